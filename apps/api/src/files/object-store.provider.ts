import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createObjectStore, type ObjectStore } from '@easel/storage';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** The API's object store (STORAGE_*): inputs are written here, artifacts read and signed from here. */
@Injectable()
export class ObjectStoreHolder implements OnApplicationShutdown {
  readonly store: ObjectStore;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.store = createObjectStore(config.storage);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
