export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __crmTestInfra?: { stop(): Promise<void> } }).__crmTestInfra?.stop();
}
