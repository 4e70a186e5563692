// Entry point of the shipped bundle (dist/xetcache-server.js): run the CLI on this process's arguments.
import { main } from './main';

void main(process.argv);
