#:package Microsoft.Playwright
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// Photographs the pages for the documentation; run by screenshots.sh: dotnet run screenshots.cs -- BASE_URL OUT_DIR (the version comes from Directory.Packages.props)
using Microsoft.Playwright;

var (baseUrl, outDir) = (args[0], args[1]);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });

foreach (var (name, path, width, height, fullPage) in new[] {
    ("dashboard", "/", 1400, 1000, true),
    ("wall", "/Wall", 1920, 1080, false) })
{
    await using var context = await browser.NewContextAsync(new()
    {
        BaseURL = baseUrl, ViewportSize = new() { Width = width, Height = height }, Locale = "en-US", TimezoneId = "Europe/Kyiv",
    });
    var page = await context.NewPageAsync();
    await page.GotoAsync("/Account/SignIn");
    await page.Locator("#Input_Email").FillAsync("admin@example.org");
    await page.Locator("#Input_Password").FillAsync("Admin-pass-0123!");
    await page.Locator("main form button[type=submit]").ClickAsync();
    await page.WaitForURLAsync(url => !url.Contains("SignIn", StringComparison.Ordinal));
    await page.GotoAsync(path);
    await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
    await page.ScreenshotAsync(new() { Path = Path.Combine(outDir, name + ".png"), FullPage = fullPage });
    Console.WriteLine($"{name}.png");
}
