using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Incidents;

/// <summary>Log an incident: the form for its first violation report.</summary>
public sealed class NewModel(IMediator mediator, IValidator<Features.Incidents.LogIncident.Command> validator) : PageModel
{
    [BindProperty]
    public NewIncidentForm Input { get; set; } = new();

    public void OnGet() => Input.OccurredAtZone = ZonePreference.Of(HttpContext);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ZonePreference.Remember(HttpContext, Input.OccurredAtZone);
        if (!Input.TryGetOccurredAt(ModelState, nameof(Input), out var occurredAt) || !ModelState.IsValid)
        {
            ModelState.AddFailuresOfOtherFields(await validator.ValidateAsync(Input.ToCommand(occurredAt), ct), nameof(Input));
            return Page();
        }

        try
        {
            var incident = await mediator.Send(Input.ToCommand(occurredAt), ct);
            TempData["Status"] = Text.Format("{0} logged: {1}.", incident.Reference, Text.Get(incident.Stage.Label()));
            return RedirectToPage("Details", new { id = incident.Id });
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, nameof(Input));
            return Page();
        }
    }
}
