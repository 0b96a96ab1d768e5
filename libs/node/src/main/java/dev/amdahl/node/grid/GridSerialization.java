package dev.amdahl.node.grid;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Registers the grid's own types with Hazelcast's fast, versionable serialization. */
public final class GridSerialization implements DataSerializableFactory {
  static final int FACTORY_ID = 1729;
  static final int TASK_ENTRY = 1;
  static final int CLAIM = 2;
  static final int RENEW = 3;
  static final int COMPLETE = 4;
  static final int FAIL = 5;
  static final int REQUEUE = 6;
  static final int CLAIM_REPLICA = 7;
  static final int NOOP_CALLABLE = 8;
  static final int COMPLETE_BATCH = 9;

  /** Adds this factory to {@code config}. */
  public static void register(SerializationConfig config) {
    config.addDataSerializableFactory(FACTORY_ID, new GridSerialization());
  }

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case TASK_ENTRY -> new TaskEntry();
      case CLAIM -> new Claim();
      case RENEW -> new Renew();
      case COMPLETE -> new Complete();
      case FAIL -> new Fail();
      case REQUEUE -> new Requeue();
      case CLAIM_REPLICA -> new ClaimReplica();
      case NOOP_CALLABLE -> new NoopCallable();
      case COMPLETE_BATCH -> new CompleteBatch();
      default -> null;
    };
  }
}
