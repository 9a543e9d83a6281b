/*
 * core_mqtt_state.h - reading the QoS records of a coreMQTT v2.3 context
 * after a resumed session (same names and types as coreMQTT's header).
 */

#ifndef CORE_MQTT_STATE_H
#define CORE_MQTT_STATE_H

#include "core_mqtt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Start a search with a cursor set to this. */
#define MQTT_STATE_CURSOR_INITIALIZER ((size_t)0)

/* Where a search through the outgoing records stands. */
typedef size_t MQTTStateCursor_t;

/*
 * The next outgoing QoS 2 publish whose PUBREL must be resent (awaiting
 * PUBCOMP, or PUBREL owed), or MQTT_PACKET_ID_INVALID when there is none;
 * *pState is then MQTTPubRelSend. MQTT_Connect resends these itself.
 */
uint16_t MQTT_PubrelToResend(const MQTTContext_t *pMqttContext,
			     MQTTStateCursor_t *pCursor,
			     MQTTPublishState_t *pState);

/*
 * The next outgoing publish not acknowledged yet (not sent, or awaiting
 * PUBACK or PUBREC), or MQTT_PACKET_ID_INVALID: after MQTT_Connect resumed a
 * session, resend each with MQTT_Publish, dup set and this packet id.
 *
 *     MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
 *     uint16_t id;
 *     while ((id = MQTT_PublishToResend(&ctx, &cursor)) != 0)
 *             resend_publish_with_id(id);
 */
uint16_t MQTT_PublishToResend(const MQTTContext_t *pMqttContext,
			      MQTTStateCursor_t *pCursor);

#ifdef __cplusplus
}
#endif

#endif /* CORE_MQTT_STATE_H */
