import { launch } from './launch.js';

/** The entry point of `npm start`, the Docker image and the systemd unit. */
launch();
