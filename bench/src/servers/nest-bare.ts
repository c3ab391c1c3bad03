/** Bare Nest 12 on Express: a controller returning `{ status: 'UP' }`, Nest's shutdown hooks on SIGTERM. */
import { Controller, Get, Module } from '@nestjs/common';
import { UP } from './common.js';
import { AppController, bootstrap } from './nest-app.js';

@Controller('health')
class ReadyController {
  @Get('ready')
  ready(): typeof UP {
    return UP;
  }
}

@Module({ controllers: [AppController, ReadyController] })
class AppModule {}

await bootstrap(AppModule);
