import 'reflect-metadata';
import { Controller, INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  ClientsModule,
  Ctx,
  EventPattern,
  KafkaContext,
  KafkaOptions,
  MessagePattern,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { Admin, AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { RunningBroker } from '../src';
import { startTestBroker, waitFor } from './support';

/**
 * @nestjs/microservices (Transport.KAFKA, backed by kafkajs) against the embedded broker: hybrid
 * Fastify + Kafka apps, emit() events, send() request-reply over an auto-created reply topic, and
 * two server instances sharing one consumer group.
 */

const EVENT_TOPIC = 'crm.test.event';
const SUM_TOPIC = 'crm.test.sum';
const SCALED_TOPIC = 'crm.test.scaled';
const KAFKA_CLIENT = 'CRM_KAFKA_CLIENT';
const SERVER_GROUP = 'crm-svc'; // ServerKafka joins `crm-svc-server`
const CALLER_GROUP = 'crm-caller'; // ClientKafka's reply consumer joins `crm-caller-client`

let broker: RunningBroker;

interface Received {
  data: unknown;
  key: unknown;
  headers: Record<string, unknown>;
  topic: string;
  partition: number;
}

/** Per-application record of what its Kafka handlers saw (one instance per Nest app). */
@Injectable()
class Inbox {
  readonly events: Received[] = [];
  readonly scaled: Received[] = [];
}

function received(data: unknown, ctx: KafkaContext): Received {
  const message = ctx.getMessage();
  return {
    data,
    key: message.key,
    headers: message.headers as Record<string, unknown>,
    topic: ctx.getTopic(),
    partition: ctx.getPartition(),
  };
}

@Controller()
class CrmKafkaController {
  constructor(private readonly inbox: Inbox) {}

  @EventPattern(EVENT_TOPIC)
  onEvent(@Payload() data: unknown, @Ctx() ctx: KafkaContext): void {
    this.inbox.events.push(received(data, ctx));
  }

  @EventPattern(SCALED_TOPIC)
  onScaled(@Payload() data: unknown, @Ctx() ctx: KafkaContext): void {
    this.inbox.scaled.push(received(data, ctx));
  }

  @MessagePattern(SUM_TOPIC)
  sum(@Payload() data: { numbers: number[] }): { total: number; count: number } {
    return { total: data.numbers.reduce((a, b) => a + b, 0), count: data.numbers.length };
  }
}

@Module({
  imports: [
    ClientsModule.registerAsync([
      {
        name: KAFKA_CLIENT,
        useFactory: (): KafkaOptions => ({
          transport: Transport.KAFKA,
          options: {
            client: { brokers: [broker.address], clientId: 'crm-caller', logLevel: logLevel.NOTHING },
            consumer: { groupId: CALLER_GROUP, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 500 },
          },
        }),
      },
    ]),
  ],
  controllers: [CrmKafkaController],
  providers: [Inbox],
})
class AppModule {}

/** A hybrid app: Fastify on 127.0.0.1:0 plus a Kafka microservice in SERVER_GROUP. */
async function startApp(name: string): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  // Fresh option objects per app: ServerKafka writes the suffixed groupId back into `consumer`.
  app.connectMicroservice<KafkaOptions>({
    transport: Transport.KAFKA,
    options: {
      client: { brokers: [broker.address], clientId: `crm-svc-${name}`, logLevel: logLevel.NOTHING },
      consumer: { groupId: SERVER_GROUP, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 500 },
      // No committed offsets exist yet: start at the beginning so nothing emitted right after
      // startup can slip past a consumer still resolving its "latest" position.
      subscribe: { fromBeginning: true },
    },
  });
  try {
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}

function httpPort(app: INestApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}

describe('NestJS microservices (Transport.KAFKA) against the embedded broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let app1: NestFastifyApplication | undefined;
  let app2: NestFastifyApplication | undefined;
  let client: ClientKafka;
  let topicsBeforeClientConnect: string[];

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'nestjs-spec-admin', brokers: [broker.address], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    // Must exist with 2 partitions before any server subscribes (it would otherwise be auto-created with 1).
    await admin.createTopics({ topics: [{ topic: SCALED_TOPIC, numPartitions: 2 }], waitForLeaders: true });

    app1 = await startApp('a');
    client = app1.get<ClientKafka>(KAFKA_CLIENT);
    client.subscribeToResponseOf(SUM_TOPIC);
    topicsBeforeClientConnect = await admin.listTopics();
    await client.connect();
  });

  afterAll(async () => {
    // app.close() stops the microservice (consumer leaves the group) and the ClientsModule client.
    await app2?.close();
    await app1?.close();
    await admin?.disconnect();
    await broker?.stop();
  });

  it('delivers emit()ted events to an @EventPattern handler with payload, key and headers intact', async () => {
    expect(httpPort(app1!)).toBeGreaterThan(0);
    const inbox = app1!.get(Inbox);
    const payload = { type: 'contact.created', contactId: 42, name: 'Zoë Ünicode', tags: ['vip', 'b2b'], nested: { ok: true } };

    await lastValueFrom(client.emit(EVENT_TOPIC, payload));
    await lastValueFrom(
      client.emit(EVENT_TOPIC, { key: 'contact-43', value: { type: 'contact.updated', contactId: 43 }, headers: { 'x-tenant': 'acme' } }),
    );

    await waitFor(() => inbox.events.length >= 2, 20_000, 'both events at the @EventPattern handler');
    expect(inbox.events).toHaveLength(2);
    const [plain, keyed] = inbox.events;
    expect(plain).toMatchObject({ data: payload, key: null, topic: EVENT_TOPIC, partition: 0 });
    expect(keyed).toMatchObject({
      data: { type: 'contact.updated', contactId: 43 },
      key: 'contact-43',
      headers: { 'x-tenant': 'acme' },
      topic: EVENT_TOPIC,
    });
  });

  it('answers send() request-reply over a reply topic the broker auto-creates', async () => {
    expect(topicsBeforeClientConnect).not.toContain(`${SUM_TOPIC}.reply`);

    await expect(firstValueFrom(client.send(SUM_TOPIC, { numbers: [1, 2, 3, 4] }))).resolves.toEqual({ total: 10, count: 4 });
    // Concurrent requests are routed back to their own callers by correlation id.
    const answers = await Promise.all(
      [5, 10, 20].map((n) => firstValueFrom(client.send(SUM_TOPIC, { numbers: Array.from({ length: n }, (_, i) => i + 1) }))),
    );
    expect(answers).toEqual([
      { total: 15, count: 5 },
      { total: 55, count: 10 },
      { total: 210, count: 20 },
    ]);

    expect(await admin.listTopics()).toContain(`${SUM_TOPIC}.reply`);
    const [replyTopic] = (await admin.fetchTopicMetadata({ topics: [`${SUM_TOPIC}.reply`] })).topics;
    expect(replyTopic.partitions).toHaveLength(1);

    // The caller's reply consumer went through the reply-partition assigner (JSON userData) intact.
    const { groups } = await admin.describeGroups([`${CALLER_GROUP}-client`]);
    expect(groups[0]).toMatchObject({ state: 'Stable', protocol: 'NestReplyPartitionAssigner' });
    expect(groups[0].members).toHaveLength(1);
    const metadata = AssignerProtocol.MemberMetadata.decode(groups[0].members[0].memberMetadata)!;
    expect(metadata.topics).toEqual([`${SUM_TOPIC}.reply`]);
    expect(JSON.parse(metadata.userData.toString())).toHaveProperty('previousAssignment');
  });

  it('shares the load with a second instance in the same group: 2 members, Stable, each event once', async () => {
    app2 = await startApp('b');
    expect(httpPort(app2)).toBeGreaterThan(0);
    expect(httpPort(app2)).not.toBe(httpPort(app1!));

    const groupId = `${SERVER_GROUP}-server`;
    const describe = async () => (await admin.describeGroups([groupId])).groups[0];
    await waitFor(async () => {
      const g = await describe();
      return g.state === 'Stable' && g.members.length === 2;
    }, 30_000, `${groupId} Stable with 2 members`);

    const group = await describe();
    expect(group.members.map((m) => m.clientId).sort()).toEqual(['crm-svc-a-server', 'crm-svc-b-server']);
    // Each member owns exactly one partition of the 2-partition topic.
    const scaledPartitions = group.members.map(
      (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment[SCALED_TOPIC] ?? [],
    );
    expect(scaledPartitions.map((p) => p.length)).toEqual([1, 1]);
    expect(scaledPartitions.flat().sort()).toEqual([0, 1]);

    const inbox1 = app1!.get(Inbox);
    const inbox2 = app2.get(Inbox);
    expect(inbox1).not.toBe(inbox2);
    for (let i = 0; i < 20; i++) {
      await lastValueFrom(client.emit(SCALED_TOPIC, { key: `contact-${i}`, value: { seq: i } }));
    }

    const seen = () => [...inbox1.scaled, ...inbox2.scaled];
    await waitFor(() => seen().length >= 20, 30_000, 'all 20 events across both instances');
    await new Promise((r) => setTimeout(r, 1000)); // room for any duplicate to show up

    const all = seen();
    expect(all.map((e) => (e.data as { seq: number }).seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(all.map((e) => e.partition))).toEqual(new Set([0, 1]));
    // Both instances consumed, each from its own partition only.
    expect(inbox1.scaled.length).toBeGreaterThan(0);
    expect(inbox2.scaled.length).toBeGreaterThan(0);
    expect(new Set(inbox1.scaled.map((e) => e.partition)).size).toBe(1);
    expect(new Set(inbox2.scaled.map((e) => e.partition)).size).toBe(1);
    expect(inbox1.scaled[0].partition).not.toBe(inbox2.scaled[0].partition);
    for (const e of all) expect(e.key).toBe(`contact-${(e.data as { seq: number }).seq}`);

    // Both instances are still up and still in the group.
    const after = await describe();
    expect(after.state).toBe('Stable');
    expect(after.members).toHaveLength(2);
  });
});
