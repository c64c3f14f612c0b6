/**
 * Embedded broker benchmark: kafkajs against the broker running in its own process (as in
 * `npm start`), so client and broker do not share one event loop.
 *
 *   npm run bench:broker [-- --messages 200000 --latency-seconds 10 --producers 2 --keyed]
 *
 * Prints: produce msgs/s (sendBatch of 1,000 x 256 B), consumer-group consume msgs/s, and
 * p50/p99 produce-to-consume latency at 1,000 msgs/s.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    'latency-seconds': { type: 'string', default: '10' },
    brokers: { type: 'string' },
    producers: { type: 'string', default: '2' },
    keyed: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.messages);
const BATCH = 1000;
const VALUE = Buffer.alloc(256, 'x');

async function startBrokerProcess(): Promise<{ address: string; child: ChildProcess }> {
  const cli = path.join(__dirname, '..', 'libs', 'kafka-broker', 'src', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return { address, child };
}

/** One kafkajs producer in a worker thread sending `count` messages as sendBatch calls of 1,000, 4 in flight. */
function runProducerWorker(address: string, topic: string, count: number, keyed: boolean): Promise<void> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { Kafka, logLevel } = require(workerData.kafkajs);
    (async () => {
      const kafka = new Kafka({ clientId: 'bench-producer', brokers: [workerData.address], logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const value = Buffer.alloc(256, 'x');
      const messages = Array.from({ length: 1000 }, (_, i) => ({ key: workerData.keyed ? String(i) : null, value }));
      let sent = 0;
      await Promise.all([0, 1, 2, 3].map(async () => {
        while (sent < workerData.count) {
          sent += 1000;
          await producer.sendBatch({ topicMessages: [{ topic: workerData.topic, messages }], acks: 1 });
        }
      }));
      await producer.disconnect();
      parentPort.postMessage('done');
    })().catch((err) => { throw err; });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { address, topic, count, keyed, kafkajs: require.resolve('kafkajs') } });
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
}

/**
 * Sends one pre-encoded Produce v3 request (a RecordBatch of 1,000 x 256 B, encoded once by
 * kafkajs) over a raw socket, 8 requests in flight, until `count` records are acknowledged.
 */
async function measureIngest(address: string, topic: string, count: number): Promise<{ rate: number; seconds: number }> {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
  const now = Date.now();
  const records = Array.from({ length: BATCH }, (_, i) => Record({ offsetDelta: i, timestampDelta: 0, key: String(i), value: VALUE }));
  const batch: Buffer = (await RecordBatch({ records, firstTimestamp: now, maxTimestamp: now, lastOffsetDelta: BATCH - 1 })).buffer;
  const topicBytes = Buffer.from(topic);
  const body = Buffer.alloc(2 + 2 + 4 + 4 + 2 + topicBytes.length + 4 + 4 + 4 + batch.length);
  let o = 0;
  o = body.writeInt16BE(-1, o); // transactional_id: null
  o = body.writeInt16BE(1, o); // acks
  o = body.writeInt32BE(30_000, o);
  o = body.writeInt32BE(1, o); // one topic
  o = body.writeInt16BE(topicBytes.length, o);
  o += topicBytes.copy(body, o);
  o = body.writeInt32BE(1, o); // one partition
  o = body.writeInt32BE(0, o);
  o = body.writeInt32BE(batch.length, o);
  batch.copy(body, o);
  const header = (correlationId: number) => {
    const h = Buffer.alloc(4 + 2 + 2 + 4 + 2);
    h.writeInt32BE(h.length - 4 + body.length, 0);
    h.writeInt16BE(0, 4); // Produce
    h.writeInt16BE(3, 6);
    h.writeInt32BE(correlationId, 8);
    h.writeInt16BE(-1, 12); // client_id: null
    return h;
  };
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const socket = net.connect(port, host);
  await new Promise((r) => socket.once('connect', r));
  const requests = Math.ceil(count / BATCH);
  let sent = 0;
  let answered = 0;
  let pending = Buffer.alloc(0);
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const send = () => {
      while (sent < requests && sent - answered < 8) {
        socket.write(header(sent++));
        socket.write(body);
      }
    };
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        pending = pending.subarray(4 + pending.readInt32BE(0));
        answered++;
      }
      if (answered === requests) resolve();
      else send();
    });
    send();
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  socket.destroy();
  return { rate: (requests * BATCH) / seconds, seconds };
}

/** CPU seconds (user + system) the broker process has used so far, from /proc; 0 elsewhere. */
function brokerCpuSeconds(child: ChildProcess | undefined): number {
  if (!child?.pid) return 0;
  try {
    const stat = require('node:fs').readFileSync(`/proc/${child.pid}/stat`, 'utf8') as string;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
  } catch {
    return 0;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const external = values.brokers;
  const broker = external ? null : await startBrokerProcess();
  const address = external ?? broker!.address;
  const kafka = new Kafka({ clientId: 'bench', brokers: [address], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const run = Date.now().toString(36);
  const throughputTopic = `bench-throughput-${run}`;
  const latencyTopic = `bench-latency-${run}`;
  const ingestTopic = `bench-ingest-${run}`;
  await admin.createTopics({ topics: [{ topic: throughputTopic, numPartitions: 1 }, { topic: latencyTopic, numPartitions: 1 }, { topic: ingestTopic, numPartitions: 1 }] });

  // --- produce throughput -------------------------------------------------------------------
  // kafkajs spends ~2 CPU-seconds encoding 100k records, so one producer cannot load the broker;
  // several producers run in worker threads, each with its own connection.
  const producers = Number(values.producers);
  const perProducer = Math.ceil(TOTAL / producers / BATCH) * BATCH;
  const produceStart = process.hrtime.bigint();
  const cpu0 = { client: process.cpuUsage(), broker: brokerCpuSeconds(broker?.child) };
  await Promise.all(
    Array.from({ length: producers }, () => runProducerWorker(address, throughputTopic, perProducer, Boolean(values.keyed))),
  );
  const produceSeconds = Number(process.hrtime.bigint() - produceStart) / 1e9;
  const produced = perProducer * producers;
  const clientCpu = process.cpuUsage(cpu0.client);
  const produceCpu = {
    client: (clientCpu.user + clientCpu.system) / 1e6, // process-wide: includes the worker threads
    broker: brokerCpuSeconds(broker?.child) - cpu0.broker,
  };
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();

  // --- broker ingest without the client's encoding cost ---------------------------------------------
  const ingest = await measureIngest(address, ingestTopic, TOTAL);

  // --- consume throughput (consumer group) ------------------------------------------------------
  const consumer = kafka.consumer({ groupId: `bench-${run}`, maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: 10 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: throughputTopic, fromBeginning: true });
  let consumed = 0;
  let consumeStart = 0n;
  const consumeDone = new Promise<bigint>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        if (consumeStart === 0n) consumeStart = process.hrtime.bigint();
        consumed += batch.messages.length;
        if (consumed >= produced) resolve(process.hrtime.bigint());
      },
    });
  });
  const consumeEnd = await consumeDone;
  const consumeSeconds = Number(consumeEnd - consumeStart) / 1e9;
  await consumer.disconnect();

  // --- latency at 1,000 msgs/s ---------------------------------------------------------------------
  const latencies: number[] = [];
  const latencyConsumer = kafka.consumer({ groupId: `bench-latency-${run}`, maxWaitTimeInMs: 500 });
  await latencyConsumer.connect();
  await latencyConsumer.subscribe({ topic: latencyTopic, fromBeginning: true });
  await latencyConsumer.run({
    eachMessage: async ({ message }) => {
      const sentAt = Number(message.value!.readBigInt64BE(0));
      latencies.push(Number(process.hrtime.bigint() - BigInt(sentAt)) / 1e6);
    },
  });
  await new Promise((r) => setTimeout(r, 2000)); // let the group settle
  const rate = 1000;
  const seconds = Number(values['latency-seconds']);
  const target = rate * seconds;
  const start = Date.now();
  let n = 0;
  while (n < target) {
    const due = Math.min(target, Math.floor(((Date.now() - start) * rate) / 1000));
    for (; n < due; n++) {
      const value = Buffer.alloc(256);
      value.writeBigInt64BE(process.hrtime.bigint(), 0);
      void producer.send({ topic: latencyTopic, messages: [{ value }], acks: 1 });
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const deadline = Date.now() + 10_000;
  while (latencies.length < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await latencyConsumer.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [throughputTopic, latencyTopic, ingestTopic] });
  await admin.disconnect();
  broker?.child.kill('SIGTERM');

  const sorted = latencies.sort((a, b) => a - b);
  const rows = [
    [`produce (kafkajs sendBatch 1,000 x 256 B${values.keyed ? ' keyed' : ''}, ${producers} producers)`, `${Math.round(produced / produceSeconds).toLocaleString('en')} msgs/s`, `${produced.toLocaleString('en')} msgs in ${produceSeconds.toFixed(2)} s; CPU s: client ${produceCpu.client.toFixed(2)}, broker ${produceCpu.broker.toFixed(2)}`],
    ['broker ingest (pre-encoded Produce v3, 1,000 x 256 B, 8 in flight)', `${Math.round(ingest.rate).toLocaleString('en')} msgs/s`, `${TOTAL.toLocaleString('en')} msgs in ${ingest.seconds.toFixed(2)} s`],
    ['consume (kafkajs consumer group, eachBatch)', `${Math.round(consumed / consumeSeconds).toLocaleString('en')} msgs/s`, `${consumed.toLocaleString('en')} msgs in ${consumeSeconds.toFixed(2)} s`],
    [`latency produce->consume at ${rate} msgs/s`, `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`, `${sorted.length.toLocaleString('en')} of ${target.toLocaleString('en')} received, max ${sorted[sorted.length - 1]?.toFixed(2)} ms`],
  ];
  console.log(`broker benchmark (${external ? `external ${external}` : 'embedded broker in its own process'}, node ${process.version})`);
  for (const [what, figure, detail] of rows) console.log(`  ${what.padEnd(68)} ${figure.padEnd(34)} ${detail}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
