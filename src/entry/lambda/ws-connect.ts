/** API Gateway WebSocket `$connect`. */
import { createConnectHandler, webSocketDependencies } from './websocket.js';

export const handler = createConnectHandler(() => webSocketDependencies());
