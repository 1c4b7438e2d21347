/** Picks the destination adapter for a job spec. */
import { BigQuery } from '@google-cloud/bigquery';
import { ExtractionError } from '../errors.js';
import type { DestinationRequest } from '../run-extraction.js';
import type { Destination } from './destination.js';
import { PostgresDestination } from './postgres-destination.js';
import { BigQueryDestination, type BigQueryDestinationOptions } from './bigquery-destination.js';

export interface DestinationFactoryOptions {
  /** Builds the BigQuery destination (kept injectable so tests and main choose the client). */
  bigQuery?: (request: DestinationRequest) => Destination;
}

export function createDestinationFactory(options: DestinationFactoryOptions = {}): (request: DestinationRequest) => Destination {
  return (request) => {
    const { spec, secrets } = request;
    if (spec.destination.kind === 'postgres') {
      if (!secrets.destinationPostgresUrl) {
        throw new ExtractionError('config', 'the destination is postgres but ETL_DEST_POSTGRES_URL is not set');
      }
      return new PostgresDestination(spec.destination, secrets.destinationPostgresUrl, request.keyColumns, spec.destination.writeMode);
    }
    if (!options.bigQuery) throw new ExtractionError('config', 'the BigQuery destination is not available in this build');
    return options.bigQuery(request);
  };
}

/**
 * The production BigQuery destination: Application Default Credentials (Workload Identity on GKE),
 * optional ETL_BIGQUERY_API_ENDPOINT (emulators). Client auto-retry is off: the destination retries
 * itself, with backoff, only what is transient.
 */
export function bigQueryFromEnvironment(env: NodeJS.ProcessEnv, tuning: Partial<BigQueryDestinationOptions> = {}): (request: DestinationRequest) => Destination {
  return (request) => {
    const spec = request.spec.destination;
    if (spec.kind !== 'bigquery') throw new Error('not a BigQuery destination');
    const client = new BigQuery({
      projectId: spec.projectId,
      ...(spec.location ? { location: spec.location } : {}),
      ...(env.ETL_BIGQUERY_API_ENDPOINT ? { apiEndpoint: env.ETL_BIGQUERY_API_ENDPOINT } : {}),
      autoRetry: false,
    });
    return bigQueryDestination(request, client, tuning);
  };
}

export function bigQueryDestination(request: DestinationRequest, client: BigQuery, tuning: Partial<BigQueryDestinationOptions> = {}): BigQueryDestination {
  const spec = request.spec.destination;
  if (spec.kind !== 'bigquery') throw new Error('not a BigQuery destination');
  return new BigQueryDestination(spec, client, request.keyColumns, spec.writeMode, request.describeKey, {
    runId: request.runId,
    log: request.log,
    signal: request.signal,
    ...tuning,
  });
}
