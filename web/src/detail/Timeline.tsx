import type { Execution, RunStatus } from '../api/types';
import { formatDateTime, formatDuration, formatTime } from '../format';

function RunBadge({ status }: { status: RunStatus }) {
  return <span className={`run run--${status.toLowerCase()}`}>{status}</span>;
}

function executionDuration(execution: Execution): number | null {
  if (!execution.ended_at) return null;
  return new Date(execution.ended_at).getTime() - new Date(execution.started_at).getTime();
}

/** Every state attempt of every execution, newest execution first: the Step Functions console's view. */
export function Timeline({ executions }: { executions: Execution[] }) {
  if (executions.length === 0) return <p className="hint">Not processed yet.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {executions.map((execution) => (
        <li key={execution.execution_id} className="execution">
          <div className="execution__head">
            <strong title={execution.name}>Run {execution.seq}</strong> <RunBadge status={execution.status} />
            <span className="hint">
              {' '}
              {execution.trigger} · started {formatDateTime(execution.started_at)} ·{' '}
              {formatDuration(executionDuration(execution))}
            </span>
          </div>
          {execution.error && (
            <p className="failure">
              {execution.error}
              {execution.cause ? `: ${execution.cause}` : ''}
            </p>
          )}
          <div className="table-scroll">
            <table className="states">
              <caption className="visually-hidden">States of run {execution.seq}</caption>
              <thead>
                <tr>
                  <th scope="col">State</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {execution.states.map((state) => (
                  <tr
                    key={`${state.state}-${state.attempt}-${state.started_at}`}
                    className={`states__row states__row--${state.status.toLowerCase()}`}
                  >
                    <th scope="row">{state.state}</th>
                    <td>{state.attempt}</td>
                    <td>
                      <RunBadge status={state.status} />
                      {state.will_retry && <span className="hint"> (will retry)</span>}
                    </td>
                    <td>{formatTime(state.started_at)}</td>
                    <td>{formatDuration(state.duration_ms)}</td>
                    <td className="states__error">
                      {state.error ? `${state.error}${state.cause ? `: ${state.cause}` : ''}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </li>
      ))}
    </ol>
  );
}
