package io.openegiz.flux.broker.protocol;

/** MQTT 5 reason codes the broker sends (MQTT 5.0 section 2.4), and the 3.1.1 CONNACK return codes. */
public final class ReasonCode {
  private ReasonCode() {}

  public static final byte SUCCESS = 0x00;
  public static final byte GRANTED_QOS_1 = 0x01;
  public static final byte GRANTED_QOS_2 = 0x02;
  public static final byte DISCONNECT_WITH_WILL = 0x04;
  public static final byte NO_MATCHING_SUBSCRIBERS = 0x10;
  public static final byte NO_SUBSCRIPTION_EXISTED = 0x11;
  public static final byte UNSPECIFIED_ERROR = (byte) 0x80;
  public static final byte MALFORMED_PACKET = (byte) 0x81;
  public static final byte PROTOCOL_ERROR = (byte) 0x82;
  public static final byte IMPLEMENTATION_SPECIFIC_ERROR = (byte) 0x83;
  public static final byte UNSUPPORTED_PROTOCOL_VERSION = (byte) 0x84;
  public static final byte CLIENT_IDENTIFIER_NOT_VALID = (byte) 0x85;
  public static final byte BAD_USERNAME_OR_PASSWORD = (byte) 0x86;
  public static final byte NOT_AUTHORIZED = (byte) 0x87;
  public static final byte SERVER_UNAVAILABLE = (byte) 0x88;
  public static final byte SERVER_BUSY = (byte) 0x89;
  public static final byte BANNED = (byte) 0x8A;
  public static final byte SERVER_SHUTTING_DOWN = (byte) 0x8B;
  public static final byte BAD_AUTHENTICATION_METHOD = (byte) 0x8C;
  public static final byte KEEP_ALIVE_TIMEOUT = (byte) 0x8D;
  public static final byte SESSION_TAKEN_OVER = (byte) 0x8E;
  public static final byte TOPIC_FILTER_INVALID = (byte) 0x8F;
  public static final byte TOPIC_NAME_INVALID = (byte) 0x90;
  public static final byte PACKET_ID_IN_USE = (byte) 0x91;
  public static final byte PACKET_ID_NOT_FOUND = (byte) 0x92;
  public static final byte RECEIVE_MAXIMUM_EXCEEDED = (byte) 0x93;
  public static final byte TOPIC_ALIAS_INVALID = (byte) 0x94;
  public static final byte PACKET_TOO_LARGE = (byte) 0x95;
  public static final byte MESSAGE_RATE_TOO_HIGH = (byte) 0x96;
  public static final byte QUOTA_EXCEEDED = (byte) 0x97;
  public static final byte PAYLOAD_FORMAT_INVALID = (byte) 0x99;
  public static final byte SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = (byte) 0x9E;

  /** MQTT 3.1.1 CONNACK return codes (section 3.2.2.3). */
  public static final byte V3_UNACCEPTABLE_PROTOCOL_VERSION = 0x01;
  public static final byte V3_IDENTIFIER_REJECTED = 0x02;
  public static final byte V3_SERVER_UNAVAILABLE = 0x03;
  public static final byte V3_BAD_USERNAME_OR_PASSWORD = 0x04;
  public static final byte V3_NOT_AUTHORIZED = 0x05;
}
