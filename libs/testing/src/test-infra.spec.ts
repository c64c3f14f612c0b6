import { chooseInfra } from './test-infra';

describe('chooseInfra', () => {
  const docker = (answers: boolean) => jest.fn(() => answers);

  it('prefers servers named in the environment and does not ask Docker then', () => {
    const probe = docker(true);
    expect(chooseInfra({ TEST_POSTGRES_URL: 'postgres://x/postgres', KAFKA_BROKERS: 'k:9092' }, probe)).toEqual({ postgres: 'environment', kafka: 'environment' });
    expect(probe).not.toHaveBeenCalled();
  });

  it('uses containers when a Docker engine answers, once asked', () => {
    const probe = docker(true);
    expect(chooseInfra({}, probe)).toEqual({ postgres: 'docker', kafka: 'docker' });
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('falls back to the embedded servers without a Docker engine, or when told to', () => {
    expect(chooseInfra({}, docker(false))).toEqual({ postgres: 'embedded', kafka: 'embedded' });
    expect(chooseInfra({ CRM_TEST_DOCKER: 'off' }, docker(true))).toEqual({ postgres: 'embedded', kafka: 'embedded' });
    expect(chooseInfra({ KAFKA_BROKERS: 'k:9092' }, docker(false))).toEqual({ postgres: 'embedded', kafka: 'environment' });
  });
});
