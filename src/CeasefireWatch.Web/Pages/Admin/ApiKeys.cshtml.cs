using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Admin;

/// <summary>
/// API keys for monitoring pipelines. A new key's secret is rendered in the response to the POST that
/// created it and nowhere else: never stored, never in a URL, never in TempData.
/// </summary>
public sealed class ApiKeysModel(IMediator mediator) : PageModel
{
    public IReadOnlyList<ListApiKeys.KeyRow> Keys { get; private set; } = [];

    [BindProperty]
    public NewKeyForm Create { get; set; } = new();

    [BindProperty]
    public int KeyId { get; set; }

    public CreateApiKey.Created? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Keys = await mediator.Send(new ListApiKeys.Query(), ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        try
        {
            Created = await mediator.Send(new CreateApiKey.Command(Create.Name, Create.Role), ct);
            Create = new NewKeyForm();
            ModelState.Clear();
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Create));
        }

        // The secret must not survive a reload: no-store, and no redirect that would lose or leak it.
        Response.Headers.CacheControl = "no-store";
        Keys = await mediator.Send(new ListApiKeys.Query(), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        try
        {
            await mediator.Send(new RevokeApiKey.Command(KeyId), ct);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }

        TempData["Status"] = "Key revoked: it authenticates nothing from now on.";
        return RedirectToPage();
    }

    public sealed class NewKeyForm
    {
        public string? Name { get; set; }

        public string? Role { get; set; } = Infrastructure.Security.Roles.Analyst;
    }
}
