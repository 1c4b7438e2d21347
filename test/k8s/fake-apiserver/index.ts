export { FakeApiServer, ApiError, type StoredObject, type RecordedRequest, type Interceptor } from './server.js';
export { FakeControllers, type FinishOptions } from './controllers.js';
