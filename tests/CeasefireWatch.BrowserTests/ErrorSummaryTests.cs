using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CeasefireWatch.BrowserTests;

/// <summary>A refused form: a focused error summary whose links lead to the fields, each field marked invalid and described by its message.</summary>
[Collection(nameof(BrowserTestGroup))]
public sealed class ErrorSummaryTests(BrowserFixture app)
{
    [Theory]
    [InlineData("en-US", "There is a problem", "Give the incident a title.")]
    [InlineData("uk-UA", "Виникла проблема", "Дайте інциденту назву.")]
    public async Task The_summary_takes_the_focus_and_its_links_lead_to_the_fields_described_by_their_messages(string locale, string heading, string titleMessage)
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync(new ViewportSize { Width = 1400, Height = 1000 }, locale);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Incidents/New");
        await page.Locator("#Input_Location").FillAsync("Гуляйполе");
        await page.Locator("main form.report-form button[type=submit]").ClickAsync();

        var summary = page.Locator("[data-error-summary]");
        await Expect(summary).ToBeFocusedAsync();
        await Expect(summary.GetByRole(AriaRole.Heading)).ToHaveTextAsync(heading);
        var link = summary.GetByRole(AriaRole.Link, new() { Name = titleMessage });
        await Expect(link).ToHaveAttributeAsync("href", "#Input_Title");

        var title = page.Locator("#Input_Title");
        await Expect(title).ToHaveAttributeAsync("aria-invalid", "true");
        var describedBy = await title.GetAttributeAsync("aria-describedby");
        Assert.NotNull(describedBy);
        await Expect(page.Locator($"#{describedBy.Split(' ')[^1]}")).ToHaveTextAsync(titleMessage);
        // A field that was fine is not marked.
        Assert.Null(await page.Locator("#Input_Location").GetAttributeAsync("aria-invalid"));

        await link.ClickAsync();
        await Expect(title).ToBeFocusedAsync();

        // The time field's message links to it too, and what was typed elsewhere is kept.
        await Expect(summary.Locator("a[href='#Input_OccurredAt']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#Input_Location")).ToHaveValueAsync("Гуляйполе");
    }
}
