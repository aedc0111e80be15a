using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Localization;
using static CeasefireWatch.Tests.Pages.PageForms;

namespace CeasefireWatch.Tests.Localization;

/// <summary>
/// The UI language: the browser's Accept-Language at first, then the person's own choice (a cookie), English otherwise;
/// labels, messages and validation texts in the language chosen; contract names unchanged in JSON.
/// </summary>
public sealed partial class LocalizationTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_choice_or_a_browser_language_the_pages_are_in_English()
    {
        var viewer = await factory.SignedInAsRoleAsync(Roles.Viewer);

        var html = await viewer.GetHtmlAsync("/Incidents");

        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains(">Incidents</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_asking_for_Ukrainian_gets_Ukrainian_pages()
    {
        var viewer = await factory.SignedInAsRoleAsync(Roles.Viewer);
        viewer.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uk-UA,uk;q=0.9,en;q=0.5");

        var html = await viewer.GetHtmlAsync("/Incidents");

        Assert.Contains("<html lang=\"uk\">", html, StringComparison.Ordinal);
        Assert.Contains(">Інциденти</a>", html, StringComparison.Ordinal);
        Assert.Contains("Пошук", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Incidents</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_persons_choice_is_remembered_and_outranks_the_browser_language()
    {
        var viewer = await factory.SignedInAsRoleAsync(Roles.Viewer);
        viewer.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");
        var page = await viewer.GetHtmlAsync("/Preferences");
        Assert.Contains("<html lang=\"en\">", page, StringComparison.Ordinal);

        using var switched = await viewer.PostFormAsync("/Preferences", "/Preferences?handler=Language",
            ("culture", "uk"), ("returnUrl", "/Incidents"));

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/Incidents", switched.Headers.Location?.OriginalString);
        Assert.Contains(switched.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieRequestCultureProvider.DefaultCookieName, StringComparison.Ordinal));
        Assert.Contains("<html lang=\"uk\">", await viewer.GetHtmlAsync("/Incidents"), StringComparison.Ordinal);

        using var back = await viewer.PostFormAsync("/Preferences", "/Preferences?handler=Language", ("culture", "en"), ("returnUrl", "/"));
        Assert.Contains("<html lang=\"en\">", await viewer.GetHtmlAsync("/Incidents"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_preferences_page_sends_nobody_elsewhere()
    {
        var viewer = await factory.SignedInAsRoleAsync(Roles.Viewer);

        using var response = await viewer.PostFormAsync("/Preferences", "/Preferences?handler=Language",
            ("culture", "uk"), ("returnUrl", "https://evil.example.org/"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Validation_messages_come_in_the_persons_language_by_their_fields()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        analyst.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uk");
        var fields = NewIncident(factory.Now.UtcDateTime.AddHours(-1));
        fields["Input.Title"] = string.Empty;

        using var noTitle = await analyst.PostFormAsync("/Incidents/New", "/Incidents/New", fields.AsFields());
        fields["Input.OccurredAt"] = "31.02.2026 10:00";
        using var noSuchDay = await analyst.PostFormAsync("/Incidents/New", "/Incidents/New", fields.AsFields());

        var html = await noTitle.HtmlAsync();
        Assert.Equal(HttpStatusCode.OK, noTitle.StatusCode);
        Assert.Equal("Дайте інциденту назву.", Browser.FieldError(html, "Input.Title"));
        Assert.Contains("Виникла проблема", html, StringComparison.Ordinal);
        Assert.StartsWith("«31.02.2026 10:00» — не дата й час", Browser.FieldError(await noSuchDay.HtmlAsync(), "Input.OccurredAt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labels_are_translated_but_the_contract_names_in_JSON_are_not()
    {
        var incident = await factory.LogIncidentAsync(factory.CreateApiClient(), factory.Now.AddMinutes(-5), b => b["violationType"] = "MissileStrike");
        var viewer = await factory.SignedInAsRoleAsync(Roles.Viewer);
        viewer.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uk");

        var page = await viewer.GetHtmlAsync($"/Incidents/{incident.Id}");
        using var json = await viewer.GetAsync($"/api/incidents/{incident.Id}", Ct);

        Assert.Contains("Ракетний удар", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">MissileStrike<", page, StringComparison.Ordinal);
        Assert.Contains("\"violationType\":\"MissileStrike\"", await json.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>
    /// Every text the source hands the localizer (L["..."], Text.Get/Format, the labels, the validators' messages) has
    /// its Ukrainian in SharedResource.uk.resx: a label added in English only fails here, not in front of a reader.
    /// </summary>
    [Fact]
    public void Every_text_the_UI_shows_has_a_Ukrainian_translation()
    {
        var source = RepositoryFiles.WebProject;
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(source, "*.cs*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains("Migrations", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in LocalizedLiteral().Matches(text))
            {
                keys.Add(Regex.Unescape(m.Groups["key"].Value));
            }

            // The files whose switch arms hand English keys to L[...] (labels, role descriptions, region kinds).
            if (file.EndsWith("EnumLabels.cs", StringComparison.Ordinal) || file.EndsWith("StageInfo.cs", StringComparison.Ordinal)
                || file.EndsWith("Roles.cs", StringComparison.Ordinal) || file.EndsWith("UiText.cs", StringComparison.Ordinal))
            {
                foreach (Match m in SwitchArmLiteral().Matches(text))
                {
                    keys.Add(Regex.Unescape(m.Groups["key"].Value));
                }
            }
        }

        // English has no resource file (the keys are the English), so read the Ukrainian set alone, without fallback.
        var resources = new ResourceManager("CeasefireWatch.Web.Resources.SharedResource", typeof(UiCultures).Assembly)
            .GetResourceSet(new CultureInfo("uk"), createIfNotExists: true, tryParents: false);
        Assert.NotNull(resources);
        var missing = keys.Where(k => k.Any(char.IsLetter) && resources.GetString(k) is null).ToList();

        Assert.True(keys.Count > 400, $"only {keys.Count} texts found: is the scan still reading the pages?");
        Assert.True(missing.Count == 0, "No Ukrainian for: " + string.Join(" | ", missing));
    }

    /// <summary>
    /// The words the scripts write (tr("...") in wwwroot/js) reach them through #ui-text only if UiText lists them, and
    /// read in Ukrainian only if the resources have them: a status line added to a script in English fails here.
    /// </summary>
    [Fact]
    public void Every_word_a_script_writes_is_handed_to_it_and_translated()
    {
        var scripts = Path.Combine(RepositoryFiles.WebProject, "wwwroot", "js");
        var used = Directory.EnumerateFiles(scripts, "*.js")
            .SelectMany(f => ScriptWord().Matches(File.ReadAllText(f)).Select(m => m.Groups["key"].Value))
            .ToHashSet(StringComparer.Ordinal);
        var ukrainian = UkrainianResources();

        Assert.Contains("Done.", used);
        Assert.Empty(used.Except(UiText.Keys));
        AllTranslated(ukrainian, UiText.Keys);
    }

    /// <summary>Seed data that pages show by name: every region kind and every member of the seeded roster reads in Ukrainian.</summary>
    [Fact]
    public void Region_kinds_and_the_coalition_roster_have_Ukrainian_names()
    {
        var seeds = CeasefireWatch.Web.Data.SeedData.Load();
        var ukrainian = UkrainianResources();

        AllTranslated(ukrainian, seeds.Regions.Select(r => RegionKinds.Label(r.Kind)));
        AllTranslated(ukrainian, seeds.Coalition.Members.Select(m => m.Country));
        AllTranslated(ukrainian, Enum.GetNames<CeasefireWatch.Web.Data.NotificationChannel>());
        Assert.False(string.IsNullOrWhiteSpace(seeds.Coalition.AnnouncedByUk));
        Assert.False(string.IsNullOrWhiteSpace(seeds.Coalition.NoteUk));
    }

    [Fact]
    public async Task The_dashboard_map_and_units_read_in_Ukrainian()
    {
        var api = factory.CreateApiClient();
        await factory.LogIncidentAsync(api, factory.Now.AddHours(-80), b => b["oblast"] = "Kharkiv");
        await factory.LogIncidentAsync(api, factory.Now.AddHours(-30), b => b["oblast"] = "Volyn");
        var viewer = await factory.SignedInAsRoleAsync(Roles.Viewer);
        viewer.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uk");

        var dashboard = await viewer.GetHtmlAsync("/");
        var map = dashboard[dashboard.IndexOf("class=\"labels\"", StringComparison.Ordinal)..];
        Assert.Contains(">Харківська<", map, StringComparison.Ordinal);
        Assert.Contains(">Волинська<", map, StringComparison.Ordinal);
        Assert.Contains("· Р3<", map, StringComparison.Ordinal);
        Assert.DoesNotContain(">Kharkiv<", map, StringComparison.Ordinal);
        Assert.DoesNotContain("· T", map, StringComparison.Ordinal);
        Assert.Contains("на основі", map, StringComparison.Ordinal);
        // A number and its unit joined by a no-break space, which Razor writes as &#xA0;.
        Assert.Contains("через 24&#xA0;год", dashboard, StringComparison.Ordinal);
        Assert.Matches("data-engine-lag>[0-9.]+&#xA0;с<", dashboard);
    }

    [Fact]
    public async Task The_reference_the_role_guide_and_the_coalition_read_in_Ukrainian()
    {
        var atTier2 = await factory.LogIncidentAsync(factory.CreateApiClient(), factory.Now.AddHours(-30));
        var admin = await factory.SignedInAsRoleAsync(Roles.Admin);
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uk");

        var reference = await admin.GetHtmlAsync("/Reference");
        Assert.Contains("автономна республіка", reference, StringComparison.Ordinal);
        Assert.DoesNotContain("autonomous-republic", reference, StringComparison.Ordinal);
        Assert.Contains("Кір Стармер", reference, StringComparison.Ordinal);
        Assert.DoesNotContain("Ukraine not counted", reference, StringComparison.Ordinal);
        Assert.Contains(">Велика Британія<", reference, StringComparison.Ordinal);

        Assert.Contains("Переглядає все, експортує CSV.", await admin.GetHtmlAsync("/Admin/Users"), StringComparison.Ordinal);

        // The country is shown in Ukrainian; the form still sends the roster's English name.
        var incident = await admin.GetHtmlAsync($"/Incidents/{atTier2.Id}");
        Assert.Contains("<option value=\"United Kingdom\">Велика Британія</option>", incident, StringComparison.Ordinal);
        Assert.Contains(">Велика Британія (провідний)<", incident, StringComparison.Ordinal);
    }

    private static void AllTranslated(ResourceSet ukrainian, IEnumerable<string> keys)
    {
        var missing = keys.Distinct().Where(k => ukrainian.GetString(k) is null).ToList();
        Assert.True(missing.Count == 0, "No Ukrainian for: " + string.Join(" | ", missing));
    }

    private static ResourceSet UkrainianResources() =>
        new ResourceManager("CeasefireWatch.Web.Resources.SharedResource", typeof(UiCultures).Assembly)
            .GetResourceSet(new CultureInfo("uk"), createIfNotExists: true, tryParents: false)
        ?? throw new InvalidOperationException("No Ukrainian resources.");

    [GeneratedRegex("\\btr\\(\"(?<key>[^\"]*)\"")]
    private static partial Regex ScriptWord();

    [GeneratedRegex("(?:\\bL\\[|Text\\.Get\\(|Text\\.Format\\(\\s*|WithMessage\\()\"(?<key>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LocalizedLiteral();

    [GeneratedRegex("=>\\s*\"(?<key>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex SwitchArmLiteral();
}
