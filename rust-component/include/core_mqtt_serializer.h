/*
 * core_mqtt_serializer.h - the MQTT 3.1.1 types of the coreMQTT v2.3 API
 * (same names, enum values and struct layouts as coreMQTT's header of this
 * name), implemented by this component's Rust engine.
 *
 * Strings in these structs are pointer + length, never NUL-terminated; the
 * engine reads them only during the call they are passed to.
 */

#ifndef CORE_MQTT_SERIALIZER_H
#define CORE_MQTT_SERIALIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport_interface.h"

#ifdef __cplusplus
extern "C" {
#endif

/* First byte of each MQTT control packet (type and required flags). */
#define MQTT_PACKET_TYPE_CONNECT ((uint8_t)0x10U)
#define MQTT_PACKET_TYPE_CONNACK ((uint8_t)0x20U)
#define MQTT_PACKET_TYPE_PUBLISH ((uint8_t)0x30U)
#define MQTT_PACKET_TYPE_PUBACK ((uint8_t)0x40U)
#define MQTT_PACKET_TYPE_PUBREC ((uint8_t)0x50U)
#define MQTT_PACKET_TYPE_PUBREL ((uint8_t)0x62U)
#define MQTT_PACKET_TYPE_PUBCOMP ((uint8_t)0x70U)
#define MQTT_PACKET_TYPE_SUBSCRIBE ((uint8_t)0x82U)
#define MQTT_PACKET_TYPE_SUBACK ((uint8_t)0x90U)
#define MQTT_PACKET_TYPE_UNSUBSCRIBE ((uint8_t)0xA2U)
#define MQTT_PACKET_TYPE_UNSUBACK ((uint8_t)0xB0U)
#define MQTT_PACKET_TYPE_PINGREQ ((uint8_t)0xC0U)
#define MQTT_PACKET_TYPE_PINGRESP ((uint8_t)0xD0U)
#define MQTT_PACKET_TYPE_DISCONNECT ((uint8_t)0xE0U)

/* PUBACK, PUBREC, PUBREL and PUBCOMP are always four bytes long. */
#define MQTT_PUBLISH_ACK_PACKET_SIZE (4UL)

/* What every function of this API returns. */
typedef enum MQTTStatus {
	MQTTSuccess = 0,      /* done */
	MQTTBadParameter,     /* an argument is invalid (NULL, 0, bad topic...) */
	MQTTNoMemory,         /* a buffer or record table is too small */
	MQTTSendFailed,       /* the transport failed or stalled while sending */
	MQTTRecvFailed,       /* the transport failed, or the peer closed or
				 stalled inside a packet */
	MQTTBadResponse,      /* the server broke the protocol */
	MQTTServerRefused,    /* CONNACK refused, or SUBACK refused a filter */
	MQTTNoDataAvailable,  /* no CONNACK within the timeout */
	MQTTIllegalState,     /* not valid now (not connected, re-entered) */
	MQTTStateCollision,   /* this packet id is already in flight */
	MQTTKeepAliveTimeout, /* no PINGRESP within the keep-alive bound */
	MQTTNeedMoreBytes     /* part of a packet has arrived: call again */
} MQTTStatus_t;

/* Quality of service. */
typedef enum MQTTQoS {
	MQTTQoS0 = 0, /* at most once */
	MQTTQoS1 = 1, /* at least once */
	MQTTQoS2 = 2  /* exactly once */
} MQTTQoS_t;

/* A caller-owned buffer. */
typedef struct MQTTFixedBuffer {
	uint8_t *pBuffer;
	size_t size;
} MQTTFixedBuffer_t;

/* What CONNECT carries. */
typedef struct MQTTConnectInfo {
	bool cleanSession;         /* start a new session (true) or resume */
	uint16_t keepAliveSeconds; /* 0 turns keep-alive off */
	const char *pClientIdentifier;
	uint16_t clientIdentifierLength;
	const char *pUserName;     /* NULL: no user name */
	uint16_t userNameLength;
	const char *pPassword;     /* NULL: no password */
	uint16_t passwordLength;
} MQTTConnectInfo_t;

/* One topic filter of a SUBSCRIBE or UNSUBSCRIBE (qos unused there). */
typedef struct MQTTSubscribeInfo {
	MQTTQoS_t qos;
	const char *pTopicFilter;
	uint16_t topicFilterLength;
} MQTTSubscribeInfo_t;

/*
 * An application message: one to send (MQTT_Publish, or the will of
 * MQTT_Connect), or one received (the event callback; topic and payload
 * then point into the network buffer and are valid during the callback).
 */
typedef struct MQTTPublishInfo {
	MQTTQoS_t qos;
	bool retain;
	bool dup;
	const char *pTopicName;
	uint16_t topicNameLength;
	const void *pPayload;
	size_t payloadLength;
} MQTTPublishInfo_t;

/* A received packet as it lies in the network buffer. */
typedef struct MQTTPacketInfo {
	uint8_t type;             /* the first byte: type and flags */
	uint8_t *pRemainingData;  /* the bytes after the fixed header */
	size_t remainingLength;   /* how many there are */
	size_t headerLength;      /* length of the fixed header */
} MQTTPacketInfo_t;

#ifdef __cplusplus
}
#endif

#endif /* CORE_MQTT_SERIALIZER_H */
