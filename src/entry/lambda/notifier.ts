/** SNS → WebSocket fan-out. */
import { createNotifierHandler, webSocketDependencies } from './websocket.js';

export const handler = createNotifierHandler(() => webSocketDependencies());
