import {
  type DynamicModule,
  Global,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';

import { DATABASE_OPTIONS, DATABASE_URL, type DatabaseOptions } from './database.tokens.js';
import { PrismaService } from './prisma.service.js';

export interface DatabaseModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => DatabaseOptions | Promise<DatabaseOptions>;
}

const shared: Provider[] = [
  {
    provide: DATABASE_URL,
    useFactory: (options: DatabaseOptions) => options.url,
    inject: [DATABASE_OPTIONS],
  },
  PrismaService,
];

/** Global: import once in the app module, inject PrismaService anywhere. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_OPTIONS, useValue: options }, ...shared],
      exports: [PrismaService, DATABASE_URL, DATABASE_OPTIONS],
    };
  }

  static forRootAsync(options: DatabaseModuleAsyncOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: options.imports ?? [],
      providers: [
        { provide: DATABASE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...shared,
      ],
      exports: [PrismaService, DATABASE_URL, DATABASE_OPTIONS],
    };
  }
}
