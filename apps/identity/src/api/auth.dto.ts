import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ description: 'The organisation\u2019s code.', example: 'demo' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  tenant!: string;

  @ApiProperty({ description: 'Username within the organisation (case-insensitive).', example: 'admin' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  username!: string;

  @ApiProperty({ description: 'The user\u2019s password.', example: 'correct horse battery staple' })
  @IsString() @IsNotEmpty() @MaxLength(1024)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh; each one works once.', example: 'b2xkLXJlZnJlc2gtdG9rZW4tZXhhbXBsZS0xMjM0NTY3OA' })
  @IsString() @IsNotEmpty() @MaxLength(256)
  refreshToken!: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'RS256 JWT to send as `Authorization: Bearer <token>`.', example: 'eyJhbGciOiJSUzI1NiIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiIuLi4ifQ.c2ln' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque token for POST /api/v1/auth/refresh; rotated on every use.', example: 'b2xkLXJlZnJlc2gtdG9rZW4tZXhhbXBsZS0xMjM0NTY3OA' })
  refreshToken!: string;

  @ApiProperty({ description: 'Always `Bearer`.', example: 'Bearer', enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expiresIn!: number;
}
