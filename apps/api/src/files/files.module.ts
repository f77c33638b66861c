import { Global, Module } from '@nestjs/common';
import { FilesController } from './files.controller.js';
import { ObjectStoreHolder } from './object-store.provider.js';

/** Object storage for the API and the route serving its signed URLs. */
@Global()
@Module({ providers: [ObjectStoreHolder], controllers: [FilesController], exports: [ObjectStoreHolder] })
export class FilesModule {}
