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
/// API keys for monitoring pipelines. A new key's secret is rendered in the answer to the POST that
/// created it, and nowhere else: not in TempData, not in a URL, not in a cache.
/// </summary>
public sealed class ApiKeysModel(IMediator mediator) : PageModel
{
    public IReadOnlyList<ListApiKeys.ApiKeyRow> Keys { get; private set; } = [];

    [BindProperty]
    public CreateForm Create { get; set; } = new();

    /// <summary>The key just created, with its secret: set only on the response to the creating POST.</summary>
    public CreateApiKey.Created? NewKey { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        try
        {
            NewKey = await mediator.Send(new CreateApiKey.Command(Create.Name, Create.Role), ct);
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Create));
            return await ShowAsync(ct);
        }

        // Shown once, right here: no redirect (it would need the secret stored), and no copy kept by a cache.
        // (The same headers antiforgery sets on any page with a form, so it has nothing to override.)
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers.Pragma = "no-cache";
        ModelState.Clear();
        Create = new CreateForm();
        return await ShowAsync(ct);
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
