-- Vapi's and Retell's ordinary endings join the built-in ended-abnormally
-- rule's normal list (Retell names them user_hangup, agent_hangup, …), where
-- the rule still has the list it was created with.
UPDATE rules SET spec = '{"kind":"ended-abnormally","normal":["user","agent","customer-ended-call","assistant-ended-call","assistant-said-end-call-phrase","customer-did-not-answer","voicemail","assistant-ended-call-with-hangup-task","assistant-ended-call-after-message-spoken","assistant-forwarded-call","user_hangup","agent_hangup","call_transfer","transfer_bridged","voicemail_reached","dial_no_answer"]}'
WHERE name = 'ended-abnormally' AND spec = '{"kind":"ended-abnormally","normal":["user","agent","customer-ended-call","assistant-ended-call","assistant-said-end-call-phrase","customer-did-not-answer","voicemail"]}';
