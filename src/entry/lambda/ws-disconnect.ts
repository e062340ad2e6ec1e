/** API Gateway WebSocket `$disconnect`. */
import { createDisconnectHandler, webSocketDependencies } from './websocket.js';

export const handler = createDisconnectHandler(() => webSocketDependencies());
