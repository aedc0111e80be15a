using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Leaves a validation summary out of the page when it has nothing to say. The framework's summary always renders,
/// and when empty it holds a <c>&lt;li style="display:none"&gt;</c> placeholder for client-side validation, which this
/// app does not use; the CSP forbids inline styles, so the placeholder was a violation on every clean page.
/// </summary>
[HtmlTargetElement("div", Attributes = "asp-validation-summary")]
public sealed class QuietValidationSummaryTagHelper : TagHelper
{
    /// <summary>After the framework's summary tag helper (order -1000) has written its content.</summary>
    public override int Order => 1;

    [HtmlAttributeName("asp-validation-summary")]
    public ValidationSummary Mode { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var state = ViewContext.ModelState;
        var hasSomethingToSay = Mode switch
        {
            ValidationSummary.All => state.ErrorCount > 0,
            ValidationSummary.ModelOnly => state.TryGetValue(string.Empty, out var entry) && entry.Errors.Count > 0,
            _ => false,
        };
        if (!hasSomethingToSay)
        {
            output.SuppressOutput();
        }
    }
}
