import { EventEmitter } from 'node:events';

/** In-process events of one kind: services publish after commit, listeners (gateways) subscribe. */
export class EventChannel<T> {
  private readonly emitter = new EventEmitter();

  publish(event: T): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: T) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
