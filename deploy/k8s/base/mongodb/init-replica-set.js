// Initiates the replica set once, then keeps the application's user in step with its
// password. mongosh runs it as root against the first member: docker-compose.yml
// (service mongo-init) and the cluster's Job (mongodb/init-job.yaml). Every step is safe
// to repeat, so run it again after changing MONGO_APP_PASSWORD or adding a service.
//
// Environment: MONGO_REPLICA_SET, MONGO_MEMBERS (host:port,… — the first one is
// preferred as primary), MONGO_ROOT_USERNAME/PASSWORD, MONGO_APP_USERNAME/PASSWORD,
// MONGO_APP_DATABASES (the services' databases, "<MONGO_DB_PREFIX><service>,…").

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const replicaSet = required("MONGO_REPLICA_SET");
const members = required("MONGO_MEMBERS").split(",");
const rootUser = required("MONGO_ROOT_USERNAME");
const rootPassword = required("MONGO_ROOT_PASSWORD");

db.getSiblingDB("admin").auth(rootUser, rootPassword);

function initiated() {
  try {
    rs.status();
    return true;
  } catch (error) {
    if (error.codeName === "NotYetInitialized") return false;
    throw error;
  }
}

if (initiated()) {
  print(`replica set ${replicaSet} was already initiated`);
} else {
  rs.initiate({
    _id: replicaSet,
    members: members.map((host, index) => ({ _id: index, host, priority: index === 0 ? 2 : 1 })),
  });
  print(`initiated replica set ${replicaSet}: ${members.join(", ")}`);
}

function waitForPrimary(seconds) {
  for (let waited = 0; waited < seconds; waited += 1) {
    const primary = db.hello().primary;
    if (primary) return primary;
    sleep(1000);
  }
  throw new Error(`no primary elected after ${seconds} s`);
}

// Users are written on the primary, whichever member that is by now.
const primary = waitForPrimary(180);
const admin = new Mongo(`mongodb://${primary}/?directConnection=true`).getDB("admin");
admin.auth(rootUser, rootPassword);

// Each service owns one database; the platform's user may read and write those only.
const appUser = required("MONGO_APP_USERNAME");
const appPassword = required("MONGO_APP_PASSWORD");
const roles = required("MONGO_APP_DATABASES")
  .split(",")
  .map((database) => ({ role: "readWrite", db: database }));

if (admin.getUser(appUser)) {
  admin.updateUser(appUser, { pwd: appPassword, roles });
  print(`updated user ${appUser}`);
} else {
  admin.createUser({ user: appUser, pwd: appPassword, roles });
  print(`created user ${appUser}`);
}
