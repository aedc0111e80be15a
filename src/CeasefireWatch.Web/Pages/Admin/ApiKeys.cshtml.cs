using System.Text.Json;
using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Admin;

/// <summary>
/// API keys for monitoring pipelines. Creating one is post/redirect/get, so that refreshing the page does not send the
/// form again; the new key's secret crosses the redirect in TempData and is shown by the one GET that reads it, never
/// again: not in a URL, not in the database, not in a cache.
/// </summary>
public sealed class ApiKeysModel(IMediator mediator) : PageModel
{
    public IReadOnlyList<ListApiKeys.ApiKeyRow> Keys { get; private set; } = [];

    [BindProperty]
    public CreateForm Create { get; set; } = new();

    /// <summary>The TempData entry that carries a new key from the creating POST to the one GET that shows it.</summary>
    public const string NewKeyEntry = "NewApiKey";

    /// <summary>The key just created, with its secret: set only on the first GET after the creating POST.</summary>
    public CreateApiKey.Created? NewKey { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // Reading the entry marks it for deletion: the answer to this GET removes it from the cookie, so a refresh, a
        // second tab or the back button finds no secret to show.
        if (TempData[NewKeyEntry] is string json)
        {
            NewKey = JsonSerializer.Deserialize<CreateApiKey.Created>(json);
            // No copy of the page that holds the secret kept by a cache. (The same headers antiforgery sets on any
            // page with a form, so it has nothing to override.)
            Response.Headers.CacheControl = "no-cache, no-store";
            Response.Headers.Pragma = "no-cache";
        }

        return ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        CreateApiKey.Created created;
        try
        {
            created = await mediator.Send(new CreateApiKey.Command(Create.Name, Create.Role), ct);
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Create));
            return await ShowAsync(ct);
        }

        // Post/redirect/get: a refresh must not create the key again (or say that its name is taken). The secret rides
        // the redirect in TempData, whose cookie provider (the app's only TempData provider) writes the values through
        // ASP.NET Core Data Protection (CookieTempDataProvider: IDataProtector.Protect, authenticated encryption with the
        // app's key ring, which the database holds for every instance): the cookie holds no clear text of the secret,
        // cannot be altered undetected, and is removed by the GET that shows it (see ApiKeysAdminTests).
        TempData[NewKeyEntry] = JsonSerializer.Serialize(created);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRevokeAsync(int id, CancellationToken ct)
    {
        var revoked = await mediator.Send(new RevokeApiKey.Command(id), ct);
        TempData["Status"] = revoked.AlreadyRevoked
            ? Text.Format("The key {0} was already revoked at {1}; nothing changed.", revoked.Name, UtcFormat.Format(revoked.RevokedAt))
            : Text.Format("The key {0} is revoked: its next call gets 401.", revoked.Name);
        return RedirectToPage();
    }

    /// <summary>The address of the stats call, on this server, for the usage example.</summary>
    public string ExampleUrl => $"{Request.Scheme}://{Request.Host}/api/stats";

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Keys = await mediator.Send(new ListApiKeys.Query(), ct);

        return Page();
    }

    public sealed class CreateForm
    {
        public string? Name { get; set; }

        public string? Role { get; set; } = Roles.Analyst;
    }
}
