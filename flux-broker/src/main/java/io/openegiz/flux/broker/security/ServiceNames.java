package io.openegiz.flux.broker.security;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Names a device must not take, because a device certificate (or ACL section) under such a name
 * would log in as a service: the service users of the shipped setup, and the users an ACL file gives
 * rights over equipment their section does not name.
 */
public final class ServiceNames {
  /** The services of docs/security.md and deploy/ (egizcore, archiver, ml-service) and monitoring users. */
  public static final Set<String> SHIPPED = Set.of("egizcore", "archiver", "ml-service", "monitoring", "telegraf",
      "grafana", "prometheus");

  /** openegiz/{factory_id}/{equipment_type}/{equipment_id}/...: the index of {equipment_id}. */
  private static final int EQUIPMENT_LEVEL = 3;

  private ServiceNames() {}

  /**
   * The users of {@code acl} whose section grants read or write on the topics of equipment it does not
   * name: a {@code #} or {@code +} in place of the equipment id ({@code openegiz/#},
   * {@code openegiz/+/+/+/command}, {@code openegiz/factory-a/+/+/+/status}, {@code #}). A device's
   * section names its equipment, whether or not it names the factory and equipment type.
   */
  public static Set<String> of(AclFile acl) {
    Set<String> services = new TreeSet<>();
    for (String user : acl.users()) {
      AclFile.Rules rules = acl.rulesOf(user);
      if (Stream.concat(Stream.of(rules.read()), Stream.of(rules.write()))
          .anyMatch(p -> reachesAnyEquipment(p.source()))) {
        services.add(user);
      }
    }
    return services;
  }

  private static boolean reachesAnyEquipment(String filter) {
    String[] levels = filter.split("/", -1);
    if (levels[0].equals("#") || levels[0].equals("+")) {
      return true;
    }
    if (!levels[0].equals("openegiz")) {
      return false;
    }
    for (int i = 1; i <= EQUIPMENT_LEVEL && i < levels.length; i++) {
      if (levels[i].equals("#") || i == EQUIPMENT_LEVEL && levels[i].equals("+")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code id} cannot name a device, or null when it can: it is one of {@link #SHIPPED}, or (with
   * an ACL file, null for none) a service user of that file.
   */
  public static String collision(String id, AclFile acl) {
    String risk = "; a device with this certificate CN or username would log in with that service's rights";
    if (SHIPPED.contains(id)) {
      return "device id \"" + id + "\" is a service user of the shipped setup" + risk + "; accepted: any other"
          + " device id (reserved: " + String.join(", ", new TreeSet<>(SHIPPED)) + ")";
    }
    if (acl != null && of(acl).contains(id)) {
      return "device id \"" + id + "\" is a service user in " + acl.source() + " (its section reaches equipment"
          + " it does not name, e.g. openegiz/# or openegiz/+/+/+/command)" + risk + "; accepted: a name whose"
          + " section, if any, names only its own equipment";
    }
    return null;
  }
}
