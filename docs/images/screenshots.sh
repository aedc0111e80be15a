#!/bin/bash
# Retakes the documentation's screenshots (docs/images/*.png) from a demo database: builds the app, starts it on a
# temporary SQLite file with the shipped 24 h / 72 h policy, logs ten incidents of different ages through the API (so
# every tier shows, one resolved, one verified, one coalition answer), then photographs the pages with Chromium
# (screenshots.cs, a file-based C# program using Playwright). Needs /usr/bin/chromium. Usage: docs/images/screenshots.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
port=${PORT:-5797}; base=http://127.0.0.1:$port; key=screenshot-key-0123456789abcdef0123
work=$(mktemp -d); trap 'kill $app 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build -nologo -v q "$repo/src/CeasefireWatch.Web" >/dev/null
cd "$repo/src/CeasefireWatch.Web"
ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__CeasefireWatch="Data Source=$work/demo.db" Bootstrap__ApiKey=$key \
  Bootstrap__AdminEmail=admin@example.org Bootstrap__AdminPassword='Admin-pass-0123!' \
  dotnet bin/Debug/net10.0/CeasefireWatch.Web.dll --urls "$base" >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 60); do curl -sf -o /dev/null "$base/health" && break; sleep 0.5; done

call() { curl -sf -X POST "$base$1" -H "X-Api-Key: $key" -H 'Content-Type: application/json' -d "$2"; }
report() { # hours-ago title oblast location type severity source description [killed wounded]
  local at; at=$(date -u -d "-$1 hours -$((RANDOM % 50)) minutes" +%Y-%m-%dT%H:%M:%SZ)
  call /api/incidents "{\"title\":\"$2\",\"occurredAt\":\"$at\",\"oblast\":\"$3\",\"location\":\"$4\",\"violationType\":\"$5\",\"severity\":\"$6\",\"sourceType\":\"$7\",\"description\":\"$8\"${9:+,\"killed\":$9}${10:+,\"wounded\":${10}}}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}
report 78 "Air strike with guided bombs" Sumy "Суми" AirStrike Major SatelliteImagery "Two guided bombs on the city's outskirts." 2 9 >"$work/verified"
coalition=$(report 52 "Missile strike on port infrastructure" Odesa "Одеса" MissileStrike Major CoalitionLiaison "A ballistic missile hit a grain terminal." 0 4)
report 47 "Ground assault near Pokrovsk" Donetsk "Покровськ" GroundAssault Major UkrainianForces "A company-sized assault on positions east of the town." >/dev/null
report 30 "Artillery fire on Nikopol" Dnipropetrovsk "Нікополь" Shelling Serious MonitoringDrone "Heavy artillery from across the reservoir." 1 3 >/dev/null
report 22 "Shelling of Huliaipole outskirts" Zaporizhzhia "Гуляйполе" Shelling Serious GroundSensor "Acoustic sensors counted 14 impacts." >/dev/null
report 9 "Drone strike on substation" Kharkiv "Куп'янськ" DroneStrike Serious OpenSource "A Shahed drone hit a power substation." >/dev/null
report 3 "Airspace violation by reconnaissance drone" Chernihiv "Чернігів" AirspaceViolation Minor MonitoringDrone "A reconnaissance drone crossed the border and turned back." >/dev/null
report 1 "Small-arms fire across the contact line" Donetsk "Часів Яр" SmallArmsFire Minor UkrainianForces "Machine-gun fire for about ten minutes." >/dev/null
report 0 "Drone strike near Kherson river port" Kherson "Херсон" DroneStrike Serious OpenSource "An FPV drone hit a lorry at the port." >/dev/null
resolved=$(report 40 "Shelling of Kherson embankment" Kherson "Херсон" Shelling Serious UkrainianForces "Mortar fire on the embankment.")
call "/api/incidents/$resolved/resolve" '{"reason":"Fire stopped after the coalition liaison call."}' >/dev/null
call "/api/incidents/$coalition/acknowledgements" '{"country":"United Kingdom","state":"Acknowledged","note":"Liaison informed."}' >/dev/null
call "/api/incidents/$(cat "$work/verified")/verification" '{"status":"Verified","note":"Satellite imagery confirms."}' >/dev/null

cd "$here" && dotnet run screenshots.cs -- "$base" "$here"
