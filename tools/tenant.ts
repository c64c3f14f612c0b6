/**
 * Operator CLI for business organisations (tenants):
 *   npm run tenant -- create <code> <name>
 * Database: DATABASE_URL, else `${CRM_DATA_DIR:-./.data}/runtime.json` databaseUrls.identity.
 */
import { runTenantCli } from '../apps/identity/src/tenant-cli';

runTenantCli(process.argv.slice(2), process.env, (line) => console.log(line)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`tenant: ${(err as Error).message}`);
    process.exit(1);
  },
);
