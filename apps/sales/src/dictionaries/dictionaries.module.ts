import { Module } from '@nestjs/common';
import { DictionariesController } from './dictionaries.controller';
import { DictionariesService } from './dictionaries.service';

/**
 * Data dictionaries (customer type, source, industry, level; contact decision role): plain
 * reference data, so flat. Customer and contact handlers validate their coded fields with
 * `assertDictionaryCodes`, in their own transaction.
 */
@Module({ controllers: [DictionariesController], providers: [DictionariesService] })
export class DictionariesModule {}
