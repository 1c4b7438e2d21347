/** Picks the destination adapter for a job spec. */
import { ExtractionError } from '../errors.js';
import type { DestinationRequest } from '../run-extraction.js';
import type { Destination } from './destination.js';
import { PostgresDestination } from './postgres-destination.js';

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
