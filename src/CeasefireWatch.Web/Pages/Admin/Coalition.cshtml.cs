using CeasefireWatch.Web.Features.Coalition;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Admin;

/// <summary>The Coalition of the Willing roster: administrators add, change (lead flag, stated contribution) and remove members.</summary>
public sealed class CoalitionModel(IMediator mediator) : PageModel
{
    public IReadOnlyList<RosterMemberDto> Members { get; private set; } = [];

    [BindProperty]
    public MemberForm Member { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct) => Members = await mediator.Send(new ListRoster.Query(), ct);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        try
        {
            var saved = await mediator.Send(new SaveRosterMember.Command(Member.Name, Member.Iso2, Member.Lead, Member.Contribution), ct);
            TempData["Status"] = Text.Format("{0} saved.", saved.Name);
            return RedirectToPage();
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Member));
        }

        await OnGetAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string name, CancellationToken ct)
    {
        try
        {
            await mediator.Send(new RemoveRosterMember.Command(name), ct);
            TempData["Status"] = Text.Format("{0} removed from the roster.", name);
            return RedirectToPage();
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, string.Empty);
        }

        await OnGetAsync(ct);
        return Page();
    }

    public sealed class MemberForm
    {
        public string? Name { get; set; }

        public string? Iso2 { get; set; }

        public bool Lead { get; set; }

        public string? Contribution { get; set; }
    }
}
