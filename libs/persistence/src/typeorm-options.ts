import { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface PersistenceOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

/** TypeORM settings every service uses: explicit migrations run at boot, never `synchronize`. */
export function typeormOptions(o: PersistenceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    entities: o.entities,
    migrations: o.migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Query errors reach the caller as exceptions; unexpected ones are logged once, by the problem filter.
    logging: false,
    extra: { max: o.poolSize ?? 10 },
  };
}
