export {
  type EventStoreContractCase,
  type EventStoreContractConfig,
  eventStoreContract,
  type MakeEventStore,
} from './stores/eventStoreContract.js';
