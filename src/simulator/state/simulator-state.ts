import { SimulatorClock } from './clock.ts';
import { EmailOutbox } from './email-outbox.ts';
import { EventLog, type NewEvent } from './event-log.ts';
import { SharedFolderStore } from './shared-folders.ts';
import { UserDirectory } from './user-directory.ts';

/** Everything the simulated LastPass account holds; `reset()` empties it all. */
export class SimulatorState {
  readonly clock = new SimulatorClock();
  readonly directory = new UserDirectory();
  readonly folders = new SharedFolderStore();
  readonly events = new EventLog();
  readonly emails = new EmailOutbox();

  record(event: NewEvent): void {
    this.events.append(event, this.clock.now());
  }

  reset(): void {
    this.clock.reset();
    this.directory.clear();
    this.folders.clear();
    this.events.clear();
    this.emails.clear();
  }
}
