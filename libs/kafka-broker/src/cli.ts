import { parseArgs } from 'node:util';
import { startBroker } from './broker';

const USAGE = `Usage: npm run broker -- [--port 9092] [--host 127.0.0.1] [--data-dir DIR] [--partitions N]

Runs the embedded Kafka-compatible development broker in the foreground. Ctrl-C stops it.`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '9092' },
        host: { type: 'string', default: '127.0.0.1' },
        'advertised-host': { type: 'string' },
        'data-dir': { type: 'string' },
        partitions: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number (0-65535), got '${values.port}'`);
    process.exit(2);
  }
  if (!Number.isInteger(partitions) || partitions < 1) {
    console.error(`--partitions must be a positive whole number, got '${values.partitions}'`);
    process.exit(2);
  }
  const broker = await startBroker({
    port,
    host: values.host,
    advertisedHost: values['advertised-host'],
    dataDir: values['data-dir'],
    defaultPartitions: partitions,
    log: (line) => console.error(line),
  });
  const storage = values['data-dir'] ? `data in ${values['data-dir']}` : 'in memory';
  console.log(`kafka-broker ready at ${broker.address} (${storage})`);
  const shutdown = () => {
    broker.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(`kafka-broker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
