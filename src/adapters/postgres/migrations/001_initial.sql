-- Users of local auth. With OIDC (Cognito) users are identified by the token's subject only.
CREATE TABLE users (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The system of record for photos and their AI outputs (the seed's PostgreSQL).
CREATE TABLE images (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  bytes integer NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  bucket text NOT NULL,
  object_key text NOT NULL,
  thumbnail_key text NOT NULL,
  auto_process boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'UPLOADED' CHECK (status IN ('UPLOADED', 'PROCESSING', 'READY', 'FAILED')),
  description text,
  tags text[] NOT NULL DEFAULT '{}',
  beauty_score smallint CHECK (beauty_score BETWEEN 0 AND 100),
  beauty_raw jsonb,
  labels jsonb NOT NULL DEFAULT '[]',
  provenance jsonb,
  error text,
  error_cause text,
  current_execution_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  processing_started_at timestamptz,
  processed_at timestamptz
);
CREATE INDEX images_user_created ON images (user_id, created_at DESC, id DESC);
CREATE INDEX images_user_beauty ON images (user_id, beauty_score DESC NULLS LAST, id DESC);
CREATE INDEX images_tags ON images USING gin (tags);

-- The local Step Functions' history: one row per execution, one per state attempt.
CREATE TABLE executions (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  image_id uuid NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  seq integer NOT NULL,
  trigger text NOT NULL,
  status text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
  current_state text,
  document jsonb NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  error text,
  cause text,
  UNIQUE (image_id, seq)
);
-- At most one active execution per photo, whatever races.
CREATE UNIQUE INDEX executions_one_active ON executions (image_id) WHERE status = 'RUNNING';

CREATE TABLE state_attempts (
  id bigserial PRIMARY KEY,
  execution_id uuid NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  state text NOT NULL,
  attempt integer NOT NULL,
  status text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
  will_retry boolean NOT NULL DEFAULT false,
  -- Which worker ran the attempt (the execution's lease holder at the time).
  worker_id text,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at timestamptz,
  output jsonb,
  error text,
  cause text,
  UNIQUE (execution_id, state, attempt)
);

-- The status store's PostgreSQL implementation (DynamoDB's role in the seed).
CREATE TABLE image_status (
  image_id uuid PRIMARY KEY,
  user_id text NOT NULL,
  status text NOT NULL,
  execution_seq integer NOT NULL,
  execution_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
