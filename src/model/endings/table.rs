//! The documented end-reason codes of the platforms calltrail reads (Vapi's
//! `endedReason`, Retell's `disconnection_reason`) and what each means.

/// Code → words. Codes are unique across platforms.
pub(super) const REASONS: &[(&str, &str)] = &[
    // Vapi: normal endings.
    ("customer-ended-call", "the caller hung up"),
    ("assistant-ended-call", "the assistant ended the call"),
    (
        "assistant-said-end-call-phrase",
        "the assistant said an end-call phrase",
    ),
    (
        "assistant-ended-call-after-message-spoken",
        "the assistant hung up after its last message",
    ),
    (
        "assistant-ended-call-with-hangup-task",
        "the assistant hung up (hangup task)",
    ),
    (
        "assistant-forwarded-call",
        "the assistant transferred the call",
    ),
    ("exceeded-max-duration", "reached the maximum call length"),
    ("silence-timed-out", "ended after too long a silence"),
    ("voicemail", "reached voicemail"),
    ("manually-canceled", "cancelled by hand (API or dashboard)"),
    ("customer-busy", "the line was busy"),
    ("customer-did-not-answer", "no answer"),
    (
        "customer-did-not-give-microphone-permission",
        "the caller denied the microphone",
    ),
    // Vapi: transfers.
    (
        "customer-ended-call-before-warm-transfer",
        "the caller hung up before the warm transfer",
    ),
    (
        "customer-ended-call-after-warm-transfer-attempt",
        "the caller hung up after a warm-transfer attempt",
    ),
    (
        "customer-ended-call-during-transfer",
        "the caller hung up during the transfer",
    ),
    (
        "call.forwarding.operator-busy",
        "the transfer target was busy",
    ),
    (
        "call.forwarding.no-answer",
        "the transfer target did not answer",
    ),
    (
        "call.in-progress.error-transfer-failed",
        "the transfer failed",
    ),
    (
        "call.in-progress.error-warm-transfer-max-duration",
        "the warm transfer ran too long",
    ),
    (
        "call.in-progress.error-warm-transfer-assistant-cancelled",
        "the transfer assistant cancelled the warm transfer",
    ),
    (
        "call.in-progress.error-warm-transfer-silence-timeout",
        "silence during the warm transfer",
    ),
    (
        "call.in-progress.error-warm-transfer-microphone-timeout",
        "microphone timeout during the warm transfer",
    ),
    // Vapi: hooks.
    (
        "call.ringing.hook-executed-say",
        "a ringing hook spoke and ended the call",
    ),
    (
        "call.ringing.hook-executed-transfer",
        "a ringing hook transferred the call",
    ),
    ("call.ending.hook-executed-say", "an ending hook spoke"),
    (
        "call.ending.hook-executed-transfer",
        "an ending hook transferred the call",
    ),
    // Vapi: errors during the call.
    (
        "call.in-progress.error-assistant-did-not-receive-customer-audio",
        "no audio arrived from the caller",
    ),
    (
        "call.in-progress.error-pipeline-no-available-llm-model",
        "no language model was available",
    ),
    (
        "call.in-progress.error-pipeline-ws-model-connection-failed",
        "could not reach the custom-LLM websocket",
    ),
    (
        "call.in-progress.error-sip-inbound-call-failed-to-connect",
        "the inbound SIP call failed to connect",
    ),
    (
        "call.in-progress.error-sip-outbound-call-failed-to-connect",
        "the outbound SIP call failed to connect",
    ),
    (
        "call.in-progress.sip-completed-call",
        "the SIP provider ended the call",
    ),
    (
        "call.in-progress.twilio-completed-call",
        "Twilio ended the call",
    ),
    (
        "call.ringing.error-sip-inbound-call-failed-to-connect",
        "the inbound SIP call failed while ringing",
    ),
    (
        "call.ringing.sip-inbound-caller-hungup-before-call-connect",
        "the caller hung up before the call connected",
    ),
    (
        "twilio-failed-to-connect-call",
        "Twilio could not connect the call",
    ),
    (
        "twilio-reported-customer-misdialed",
        "Twilio says the number was misdialled",
    ),
    ("vonage-disconnected", "Vonage disconnected the call"),
    (
        "vonage-failed-to-connect-call",
        "Vonage could not connect the call",
    ),
    ("vonage-rejected", "Vonage rejected the call"),
    ("vonage-completed", "Vonage ended the call"),
    (
        "phone-call-provider-closed-websocket",
        "the phone provider dropped the call",
    ),
    (
        "phone-call-provider-bypass-enabled-but-no-call-received",
        "provider bypass was on but no call arrived",
    ),
    ("worker-shutdown", "a Vapi worker shut down"),
    (
        "assistant-join-timed-out",
        "the assistant did not join in time",
    ),
    // Vapi: the call could not start.
    ("assistant-not-found", "the assistant does not exist"),
    (
        "assistant-not-valid",
        "the assistant's settings are invalid",
    ),
    (
        "assistant-request-failed",
        "asking your server for an assistant failed",
    ),
    (
        "assistant-request-returned-error",
        "your server answered the assistant request with an error",
    ),
    (
        "assistant-request-returned-unspeakable-error",
        "your server returned an error that cannot be spoken",
    ),
    (
        "assistant-request-returned-invalid-assistant",
        "your server returned an invalid assistant",
    ),
    (
        "assistant-request-returned-no-assistant",
        "your server returned no assistant",
    ),
    (
        "assistant-request-returned-forwarding-phone-number",
        "your server forwarded the call to a number",
    ),
    (
        "call-start-error-neither-assistant-nor-server-set",
        "neither an assistant nor a server URL was set",
    ),
    (
        "call.start.assistant-version-error-validation",
        "the assistant version failed validation",
    ),
    (
        "call.start.error-get-assistant",
        "could not load the assistant",
    ),
    (
        "call.start.error-get-customer",
        "could not load the customer",
    ),
    (
        "call.start.error-get-phone-number",
        "could not load the phone number",
    ),
    (
        "call.start.error-get-resources-validation",
        "the assistant or its tools failed validation",
    ),
    (
        "call.start.error-get-transport",
        "could not set up the phone transport",
    ),
    (
        "call.start.error-vapifault-get-org",
        "Vapi could not load the organisation",
    ),
    (
        "call.start.error-vapifault-get-subscription",
        "Vapi could not load the subscription",
    ),
    (
        "call.start.error-vapifault-database-error",
        "Vapi database error at start",
    ),
    (
        "call.start.error-subscription-frozen",
        "the subscription is frozen (payment failed)",
    ),
    (
        "call.start.error-subscription-insufficient-credits",
        "not enough credits",
    ),
    (
        "call.start.error-subscription-wallet-does-not-exist",
        "no billing wallet",
    ),
    (
        "call.start.error-subscription-upgrade-failed",
        "the automatic plan upgrade failed",
    ),
    (
        "call.start.error-subscription-concurrency-limit-reached",
        "too many calls at once",
    ),
    (
        "call.start.error-fraud-check-failed",
        "blocked by fraud detection",
    ),
    (
        "call.start.error-enterprise-feature-not-available-recording-consent",
        "recording consent needs the enterprise plan",
    ),
    (
        "call.start.error-vapi-number-international",
        "this number cannot call abroad",
    ),
    (
        "call.start.error-vapi-number-outbound-daily-limit",
        "the number's daily outbound limit was reached",
    ),
    (
        "scheduled-call-deleted",
        "the scheduled call was deleted before it ran",
    ),
    ("call-deleted", "the call record was deleted"),
    // Retell.
    ("user_hangup", "the caller hung up"),
    ("agent_hangup", "the agent hung up"),
    ("call_transfer", "the agent transferred the call"),
    ("transfer_bridged", "transferred: the destination answered"),
    (
        "transfer_cancelled",
        "the transfer was cancelled or not answered",
    ),
    ("voicemail_reached", "reached voicemail"),
    ("ivr_reached", "reached a phone menu"),
    ("inactivity", "ended after too long a silence"),
    ("max_duration_reached", "reached the maximum call length"),
    ("manual_stopped", "stopped by hand (API or dashboard)"),
    ("call_take_over", "a person took over the call"),
    ("dial_busy", "the line was busy"),
    ("dial_failed", "dialling failed"),
    ("dial_no_answer", "no answer"),
    ("invalid_destination", "the number is invalid"),
    (
        "telephony_provider_permission_denied",
        "the SIP trunk refused the credentials",
    ),
    (
        "telephony_provider_unavailable",
        "the phone provider was unavailable",
    ),
    ("sip_routing_error", "SIP routing failed"),
    ("marked_as_spam", "the number is marked as spam"),
    ("user_declined", "the callee declined"),
    ("concurrency_limit_reached", "too many calls at once"),
    (
        "no_concurrency_fallback",
        "over the call limit, with no fallback",
    ),
    ("no_valid_payment", "no valid payment"),
    ("scam_detected", "blocked: scam detected"),
    (
        "error_llm_websocket_open",
        "could not open the custom-LLM websocket",
    ),
    (
        "error_llm_websocket_lost_connection",
        "lost the custom-LLM websocket",
    ),
    (
        "error_llm_websocket_runtime",
        "the custom LLM closed with an error",
    ),
    (
        "error_llm_websocket_corrupt_payload",
        "the custom LLM sent an unreadable message",
    ),
    ("error_no_audio_received", "no audio was received"),
    ("error_asr", "speech recognition failed"),
    ("error_retell", "Retell internal error"),
    ("error_unknown", "unknown error"),
    ("error_user_not_joined", "the caller never joined"),
    (
        "registered_call_timeout",
        "the registered call never started",
    ),
    ("machine_detected", "an answering machine picked up"),
    ("error_inbound_webhook", "the inbound webhook failed"),
    ("error_twilio", "Twilio connection error"),
    (
        "error_frontend_corrupted_payload",
        "the web client sent bad audio",
    ),
    // LiveKit Agents' close reasons (session_close's lk.close_reason).
    ("participant_disconnected", "the caller hung up"),
    ("user_initiated", "the agent's code ended the session"),
    ("task_completed", "the agent finished its task"),
    ("job_shutdown", "the agent's job shut down"),
    // ElevenLabs' calls that could not be placed.
    ("busy", "the line was busy"),
    ("no-answer", "no answer"),
];

/// The prefixes of provider failures, and whose fault each says it is.
pub(super) const PROVIDER_FAULTS: &[(&str, &str)] = &[
    ("call.in-progress.error-vapifault-", "the platform's fault"),
    (
        "call.in-progress.error-providerfault-",
        "the provider's fault",
    ),
    ("pipeline-error-", "your key"),
];

/// How a provider failure code ends, and what it means. Longer suffixes
/// first, so the most specific matches.
pub(super) const SUFFIXES: &[(&str, &str)] = &[
    ("400-bad-request-validation-failed", "bad request"),
    ("401-unauthorized", "bad credentials"),
    ("401-incorrect-api-key", "bad credentials"),
    ("401-account-not-in-organization", "bad credentials"),
    ("returning-401-invalid-credentials", "bad credentials"),
    ("invalid-api-key", "bad credentials"),
    ("transcriber-auth-failed", "bad credentials"),
    ("unauthorized-access", "bad credentials"),
    ("403-model-access-denied", "no access to the model"),
    (
        "returning-403-model-access-denied",
        "no access to the model",
    ),
    ("unauthorized-to-access-model", "no access to the model"),
    ("429-exceeded-quota", "quota or rate limit reached"),
    ("429-rate-limit-reached", "quota or rate limit reached"),
    ("transcriber-rate-limited", "quota or rate limit reached"),
    ("quota-exceeded", "quota or rate limit reached"),
    ("out-of-credits", "out of credits"),
    ("requested-payment", "out of credits"),
    ("returning-400-insufficent-funds", "out of credits"),
    ("500-server-error", "provider outage or network error"),
    ("502-server-error", "provider outage or network error"),
    ("503-server-error", "provider outage or network error"),
    (
        "503-server-overloaded-error",
        "provider outage or network error",
    ),
    ("522-server-error", "provider outage or network error"),
    ("502-gateway-error", "provider outage or network error"),
    ("504-gateway-error", "provider outage or network error"),
    (
        "returning-502-network-error",
        "provider outage or network error",
    ),
    (
        "returning-502-bad-gateway-ehostunreach",
        "provider outage or network error",
    ),
    ("returning-econnreset", "provider outage or network error"),
    ("socket-hang-up", "provider outage or network error"),
    (
        "transcriber-server-error",
        "provider outage or network error",
    ),
    ("request-timed-out", "the request timed out"),
    ("llm-failed", "the language model failed"),
    ("voice-failed", "the voice failed"),
    ("transcriber-failed", "the transcriber failed"),
    ("video-failed", "the video failed"),
    ("voice-not-found", "the voice was not found"),
    ("invalid-voice", "a bad voice setting"),
    (
        "voice-disabled-by-owner",
        "the voice was disabled by its owner",
    ),
];
