// Bluesky's own PDS with a PLC directory in memory (@atproto/dev-env), on 127.0.0.1, with the
// accounts the test names (ACCOUNTS: [{handle, email, password}]) and an app password for the
// first. Prints where, as one line of JSON; stops when its stdin closes.
const { TestNetworkNoAppView } = require('@atproto/dev-env');
(async () => {
  const network = await TestNetworkNoAppView.create({});
  const accounts = JSON.parse(process.env.ACCOUNTS);
  const dids = {};
  let password = null;
  for (const account of accounts) {
    const agent = network.pds.getClient();
    await agent.createAccount(account);
    dids[account.handle] = agent.session.did;
    if (password === null) {
      const app = await agent.com.atproto.server.createAppPassword({ name: 'postion-contract' });
      password = app.data.password;
    }
  }
  console.log(JSON.stringify({ url: network.pds.url, password, dids }));
  process.stdin.resume();
  process.stdin.on('end', async () => { await network.close(); process.exit(0); });
})().catch((error) => { console.error(error); process.exit(1); });
