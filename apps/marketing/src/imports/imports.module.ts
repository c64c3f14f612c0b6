import { DynamicModule, Module } from '@nestjs/common';
import { ImportsController } from './api/imports.controller';
import { ImportQueries } from './application/import-queries';
import { IMPORT_SETTINGS, ImportSettings, ImportWorker } from './application/import-worker';
import { StartImportHandler } from './application/start-import.handler';

/**
 * Imports (导入) of spreadsheets: templates, upload, a job queue in the database worked by every
 * replica, per-row validation, the duplicate hook, the error report. Leads today; customers and
 * contacts have templates, their rows are sales' to create (through events, next).
 */
@Module({})
export class ImportsModule {
  static register(settings: ImportSettings): DynamicModule {
    return {
      module: ImportsModule,
      controllers: [ImportsController],
      providers: [{ provide: IMPORT_SETTINGS, useValue: settings }, ImportQueries, ImportWorker, StartImportHandler],
    };
  }
}

export { Imports1700000005000 } from './infrastructure/imports.migration';
