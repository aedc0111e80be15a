using CeasefireWatch.Web.Features.Notifications;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Notifications;

/// <summary>Supervisors' notification rules: who is told, how, for which tiers and oblasts.</summary>
[Authorize(Policy = Policies.Supervise)]
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public IReadOnlyList<NotificationRuleDto> Rules { get; private set; } = [];

    [BindProperty]
    public RuleForm Rule { get; set; } = new();

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        try
        {
            var rule = await mediator.Send(
                new CreateNotificationRule.Command(Rule.Name, Rule.Channel, Rule.Target, Rule.Stages, Rule.Oblasts, Rule.Secret), ct);
            TempData["Status"] = Text.Format("Rule “{0}” added: {1} to {2}.", rule.Name, rule.Channel, rule.Target);
            return RedirectToPage();
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Rule));
            Rule.Secret = null;
            return await ShowAsync(ct);
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken ct)
    {
        var name = await mediator.Send(new DeleteNotificationRule.Command(id), ct);
        TempData["Status"] = Text.Format("Rule “{0}” deleted: nothing more is sent for it.", name);
        return RedirectToPage();
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Rules = await mediator.Send(new ListNotificationRules.Query(), ct);

        return Page();
    }

    public sealed class RuleForm
    {
        public string? Name { get; set; }

        public string? Channel { get; set; } = nameof(Data.NotificationChannel.Email);

        public string? Target { get; set; }

        public List<string> Stages { get; set; } = [];

        public List<string> Oblasts { get; set; } = [];

        public string? Secret { get; set; }
    }
}
