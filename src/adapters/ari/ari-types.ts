/**
 * ARI resource models, as declared in the Asterisk 22 resource listings (`api-docs/*.json`,
 * `models`). Only the fields Hotline reads are typed strictly; the rest stay optional.
 */

/** `CallerID` model. */
export interface AriCallerId {
  name: string;
  number: string;
}

/** `DialplanCEP` model: where the channel is in the dialplan (`app_name` is `Stasis` inside ARI). */
export interface AriDialplan {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

/** `Channel` model. */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  protocol_id: string;
  caller: AriCallerId;
  connected: AriCallerId;
  accountcode: string;
  dialplan: AriDialplan;
  creationtime: string;
  language: string;
  channelvars?: Record<string, string>;
  caller_rdnis?: string;
  tenantid?: string;
}

/** `Bridge` model. */
export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  creationtime: string;
  video_mode?: string;
  video_source_id?: string;
}

/** `Playback` model. `state` is `queued`, `playing`, `continuing`, `done` or `failed`. */
export interface AriPlayback {
  id: string;
  media_uri: string;
  next_media_uri?: string;
  target_uri: string;
  language?: string;
  state: string;
}

/** `LiveRecording` model. `duration` is whole seconds. */
export interface AriLiveRecording {
  name: string;
  format: string;
  target_uri: string;
  state: string;
  duration?: number;
  talking_duration?: number;
  silence_duration?: number;
  cause?: string;
}

/** `StoredRecording` model. */
export interface AriStoredRecording {
  name: string;
  format: string;
}

/** `Variable` model (answer of `GET /channels/{id}/variable`). */
export interface AriVariable {
  value: string;
}
