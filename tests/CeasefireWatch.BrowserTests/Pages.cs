namespace CeasefireWatch.BrowserTests;

/// <summary>Every page of the app a person can open, for the checks that must hold on all of them.</summary>
internal static class Pages
{
    /// <summary>The pages of a signed-in administrator (who can open them all); <paramref name="incidentId"/> fills the incident page.</summary>
    public static IReadOnlyList<string> SignedIn(int incidentId) =>
    [
        "/",
        "/Wall",
        "/Incidents",
        "/Incidents?q=strike&sort=title",
        "/Incidents/New",
        $"/Incidents/{incidentId}",
        "/Incidents/Import",
        "/Reference",
        "/Preferences",
        "/Notifications",
        "/Notifications/Deliveries",
        "/Admin/Users",
        "/Admin/ApiKeys",
        "/Admin/Coalition",
        "/Admin/SecurityLog",
        "/no-such-page",
        "/Error",
    ];

    /// <summary>The pages of a person not signed in (setup is gone once the bootstrap administrator exists).</summary>
    public static IReadOnlyList<string> SignedOut { get; } = ["/Account/SignIn", "/Preferences"];
}
