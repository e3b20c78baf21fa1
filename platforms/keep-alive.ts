/**
 * OpenWhisk's keep-alive defaults (s), the reference every container platform follows
 * (docs/openwhisk.md "Keep-alive": `whisk.container-proxy.timeouts`). An idle OpenWhisk
 * container stays `pause-grace` in Ready, then `idle-container` in Paused, then is removed.
 */

/** OpenWhisk's default idle-container timeout: 10 minutes. The default keep-alive of local-container and sim. */
export const IDLE_CONTAINER_TIMEOUT = 600;

/** OpenWhisk's default pause-grace: 10 s in Ready before a container is paused. */
export const PAUSE_GRACE = 10;

/** OpenWhisk's effective default keep-alive: pause-grace + idle-container (610 s). */
export const OPENWHISK_DEFAULT_KEEP_ALIVE = PAUSE_GRACE + IDLE_CONTAINER_TIMEOUT;
