import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { DICTIONARY_CODE_PATTERN, DICTIONARY_KIND_NAMES } from './dictionary-kinds';

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;
const MAX_SORT = 1_000_000;

export class DictionaryQueryDto {
  @ApiPropertyOptional({ description: '`true`: only enabled items (what a form offers); all items when absent.', enum: ['true', 'false'], example: 'true' })
  @IsOptional() @IsIn(['true', 'false'])
  enabled?: 'true' | 'false';
}

export class CreateDictionaryItemDto {
  @ApiProperty({ description: 'Stable code that records store: ASCII letters, digits, `-`, `_`; unique in the dictionary in any letter case.', example: 'trade-fair-online', pattern: DICTIONARY_CODE_PATTERN.source })
  @IsString() @Matches(DICTIONARY_CODE_PATTERN, { message: 'code must be 1-50 ASCII letters, digits, - or _, starting with a letter or digit' })
  code!: string;

  @ApiProperty({ description: 'Label shown to users.', example: '线上展会' })
  @IsString() @IsNotEmpty() @MaxLength(50)
  label!: string;

  @ApiPropertyOptional({ description: 'English label.', example: 'Online trade fair', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  labelEn?: string | null;

  @ApiPropertyOptional({ description: 'Position in lists, ascending; after the last item when absent.', example: 90, minimum: 0, maximum: MAX_SORT })
  @ValidateIf(present('sort')) @IsInt() @Min(0) @Max(MAX_SORT)
  sort?: number;
}

export class UpdateDictionaryItemDto {
  @ApiPropertyOptional({ description: 'Label shown to users.', example: '线上展会' })
  @ValidateIf(present('label')) @IsString() @IsNotEmpty() @MaxLength(50)
  label?: string;

  @ApiPropertyOptional({ description: 'English label; null clears it.', example: 'Online trade fair', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(100)
  labelEn?: string | null;

  @ApiPropertyOptional({ description: 'Position in lists, ascending.', example: 15, minimum: 0, maximum: MAX_SORT })
  @ValidateIf(present('sort')) @IsInt() @Min(0) @Max(MAX_SORT)
  sort?: number;

  @ApiPropertyOptional({ description: 'A disabled code is no longer accepted on new values; records that have it keep it.', example: false })
  @ValidateIf(present('enabled')) @IsBoolean()
  enabled?: boolean;
}

export class DictionaryItemDto {
  @ApiProperty({ description: 'Dictionary.', example: 'customer-source', enum: DICTIONARY_KIND_NAMES }) kind!: string;
  @ApiProperty({ description: 'Code that records store.', example: 'exhibition' }) code!: string;
  @ApiProperty({ description: 'Label.', example: '展会' }) label!: string;
  @ApiProperty({ description: 'English label.', example: 'Exhibition', nullable: true, type: String }) labelEn!: string | null;
  @ApiProperty({ description: 'Position in lists, ascending.', example: 10 }) sort!: number;
  @ApiProperty({ description: 'Whether new values may take this code.', example: true }) enabled!: boolean;
}

export class DictionaryDto {
  @ApiProperty({ description: 'Dictionary kind.', example: 'customer-source', enum: DICTIONARY_KIND_NAMES }) kind!: string;
  @ApiProperty({ description: 'Name.', example: '客户来源' }) name!: string;
  @ApiProperty({ description: 'English name.', example: 'Customer source' }) nameEn!: string;
  @ApiProperty({ description: 'The record field whose values are codes of this dictionary.', example: 'customer.source' }) field!: string;
  @ApiProperty({ type: [DictionaryItemDto], description: 'Items, by sort then code.' }) items!: DictionaryItemDto[];
}

export class DictionaryListDto {
  @ApiProperty({ type: [DictionaryDto], description: 'Every dictionary with its items.' }) items!: DictionaryDto[];
}
