// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * ref.h - the expected bytes and statuses, written from the MQTT 3.1.1
 * specification (sections 2 and 3) for these tests: a third, independent
 * statement of the packet formats, checked against both the component and
 * upstream coreMQTT.
 */
#ifndef REF_H
#define REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_mqtt_serializer.h"

#define REF_MAX_REMAINING ((size_t)268435455U)

/* Bytes a remaining length takes (1..4). */
size_t ref_length_bytes(size_t remaining);
/* Encode a remaining length at p; returns the bytes written. */
size_t ref_put_length(uint8_t *p, size_t remaining);

/*
 * Whole packets into p (large enough); each returns the packet's size and
 * sets *remaining. They encode whatever they are given (no checks): the
 * tests decide what is valid.
 */
size_t ref_connect(uint8_t *p, const MQTTConnectInfo_t *c,
		   const MQTTPublishInfo_t *will, size_t *remaining);
size_t ref_publish(uint8_t *p, const MQTTPublishInfo_t *pub, uint16_t id,
		   size_t *remaining);
/* A PUBLISH up to its payload (the remaining length counts the payload). */
size_t ref_publish_head(uint8_t *p, const MQTTPublishInfo_t *pub, uint16_t id,
			size_t *remaining);
/* first: 0x82 (SUBSCRIBE, with QoS bytes) or 0xA2 (UNSUBSCRIBE). */
size_t ref_filters(uint8_t *p, uint8_t first, const MQTTSubscribeInfo_t *list,
		   size_t count, uint16_t id, size_t *remaining);

/* Remaining length of a PUBLISH / SUBSCRIBE without building it. */
size_t ref_publish_remaining(const MQTTPublishInfo_t *pub);
size_t ref_filters_remaining(uint8_t first, const MQTTSubscribeInfo_t *list,
			     size_t count);

/* MQTT 3.1.1 section 1.5.3 / 4.7: well-formed UTF-8, topic rules. */
bool ref_utf8(const uint8_t *s, size_t n);
bool ref_topic_name_ok(const char *s, size_t n);
bool ref_topic_filter_ok(const char *s, size_t n);

/*
 * The status MQTT_DeserializeAck gives for a packet of this first byte and
 * remaining bytes (all pointers given), and the packet id / session present
 * it reports (on success and MQTTServerRefused).
 */
MQTTStatus_t ref_ack(uint8_t type, const uint8_t *body, size_t n,
		     uint16_t *id, bool *session_present);

/* A first byte a client accepts before reading the rest (coreMQTT). */
bool ref_incoming_type_ok(uint8_t type);

#endif /* REF_H */
