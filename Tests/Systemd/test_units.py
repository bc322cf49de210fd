"""The systemd units in dist/systemd, checked by systemd itself: `systemd-analyze verify` on
docket.service, docket-notify.service and docket-notify.timer, failing on any output (a
misspelt setting is only a warning, exit 0), and `systemd-analyze security --offline` holding
each service to an exposure level. The units name /usr/local/bin/docket, which verify requires
to exist: a temporary copy names the built binary instead.

Run by scripts/test:  python3 Tests/Systemd/test_units.py DOCKET_BINARY
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
UNITS = os.path.join(ROOT, "dist", "systemd")
DOCKET = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/docket")
NAMES = ["docket.service", "docket-notify.service", "docket-notify.timer"]
INSTALLED = "/usr/local/bin/docket"
# systemd-analyze security's scale is 0 (locked down) to 10 (nothing restricted); the units
# measure 3.0 ("OK"). A setting dropped by mistake pushes them over this.
MOST_EXPOSURE = 3.5


def analyze(*arguments, directory):
    run = subprocess.run(["systemd-analyze", *arguments], cwd=directory, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_COLORS": "0"})
    return run.returncode, (run.stdout + run.stderr).strip()


class SystemdUnits(unittest.TestCase):
    def setUp(self):
        self.assertTrue(shutil.which("systemd-analyze"), "systemd-analyze is missing (Debian package systemd)")
        self.assertTrue(os.access(DOCKET, os.X_OK), f"no docket binary at {DOCKET}")
        self.work = tempfile.mkdtemp(prefix="docket-units-")
        self.texts = {}
        for name in NAMES:
            with open(os.path.join(UNITS, name)) as handle:
                text = handle.read()
            self.texts[name] = text
            self.write(name, text.replace("ExecStart=" + INSTALLED, "ExecStart=" + DOCKET))

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def write(self, name, text):
        with open(os.path.join(self.work, name), "w") as handle:
            handle.write(text)

    def settings(self, name):
        """Every `Key=value` of a unit, values of repeated keys in order."""
        found = {}
        for line in self.texts[name].splitlines():
            match = re.match(r"^([A-Za-z]+)=(.*)$", line)
            if match:
                found.setdefault(match.group(1), []).append(match.group(2))
        return found

    def test_verify_prints_nothing(self):
        for name in NAMES:
            self.assertIn(f"ExecStart={INSTALLED}" if name.endswith(".service") else "[Timer]", self.texts[name])
        status, output = analyze("verify", *NAMES, directory=self.work)
        self.assertEqual((status, output), (0, ""), output)

    def test_verify_catches_a_misspelt_setting(self):
        # The check above could only ever fail if verify says something about a bad unit.
        text = self.texts["docket.service"].replace("NoNewPrivileges=yes", "NoNewPrivilege=yes")
        self.write("docket.service", text.replace("ExecStart=" + INSTALLED, "ExecStart=" + DOCKET))
        status, output = analyze("verify", "docket.service", directory=self.work)
        self.assertEqual(status, 0, "systemd-analyze only warns about an unknown setting")
        self.assertIn("NoNewPrivilege", output)

    def test_services_run_unprivileged_with_only_the_archive_writable(self):
        for name in ["docket.service", "docket-notify.service"]:
            settings = self.settings(name)
            self.assertEqual(settings["User"], ["docket"])
            self.assertEqual(settings["NoNewPrivileges"], ["yes"])
            self.assertEqual(settings["ProtectSystem"], ["strict"])
            self.assertEqual(settings["ProtectHome"], ["yes"])
            self.assertEqual(settings["ReadWritePaths"], ["/srv/docket/archive"])
            self.assertIn("--config /etc/docket/docket.json", settings["ExecStart"][0])
            self.assertEqual(settings["RestrictAddressFamilies"], ["AF_INET AF_INET6 AF_UNIX"])
        self.assertEqual(self.settings("docket-notify.service")["ExecStart"],
                         [INSTALLED + " notify --config /etc/docket/docket.json"])
        self.assertEqual(self.settings("docket-notify.timer")["OnCalendar"], ["*:0/5"])

    def test_the_example_settings_fit_the_units(self):
        # dist/docket.json, as docket itself reads it: the archive is the one writable path, the
        # key is outside the home directory ProtectHome hides, loopback behind the trusted proxy.
        run = subprocess.run([DOCKET, "config", "show", "--json", "--config", os.path.join(ROOT, "dist/docket.json")],
                             capture_output=True, text=True, timeout=60, env={**os.environ, "DOCKET_CONFIG": ""})
        self.assertEqual(run.returncode, 0, run.stderr)
        shown = {row["key"]: row for row in json.loads(run.stdout)["settings"]}
        for key in ["archive", "signing_key", "serve.host", "serve.secure_cookies", "serve.trusted_proxies"]:
            self.assertTrue(shown[key]["origin"].endswith("dist/docket.json: " + key), shown[key])
        self.assertEqual(shown["archive"]["value"], self.settings("docket.service")["ReadWritePaths"][0])
        self.assertTrue(shown["signing_key"]["value"].startswith("/etc/docket/"))
        self.assertEqual(shown["serve.host"]["value"], "127.0.0.1")
        self.assertEqual(shown["serve.secure_cookies"]["value"], "true")
        self.assertEqual(shown["serve.trusted_proxies"]["value"], "127.0.0.1")

    def test_each_unit_starts_the_command_it_names(self):
        # The ExecStart lines run as written: every option they pass is one docket knows.
        for name in ["docket.service", "docket-notify.service"]:
            command = self.settings(name)["ExecStart"][0].split()
            run = subprocess.run([DOCKET, *command[1:], "--help"], capture_output=True, text=True, timeout=60)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertIn(f"USAGE: docket {command[1]}", run.stdout)
            for option in [word for word in command if word.startswith("--")]:
                self.assertIn(option, run.stdout, f"{name}: docket {command[1]} has no {option}")

    def test_exposure_stays_low(self):
        for name in ["docket.service", "docket-notify.service"]:
            status, output = analyze("security", "--offline=yes", f"--threshold={int(MOST_EXPOSURE * 10)}", name,
                                     directory=self.work)
            level = re.search(r"Overall exposure level for \S+: (\d+\.\d)", output)
            self.assertTrue(level, output[-2000:])
            print(f"{name}: exposure {level.group(1)}", file=sys.stderr)
            self.assertEqual(status, 0, output[-2000:])
            self.assertLessEqual(float(level.group(1)), MOST_EXPOSURE)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
