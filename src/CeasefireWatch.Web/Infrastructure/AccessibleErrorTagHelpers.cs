using System.Text.Encodings.Web;
using CeasefireWatch.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Form errors that a screen reader can find and follow. Replaces the framework's validation summary with an error
/// summary: a heading, then every message of the request (field messages too, whatever the summary's mode), each
/// linked to its field; site.js moves the focus to it when the page loads. The summary is left out of the page when
/// there is nothing to say (the framework's empty summary holds a <c>style="display:none"</c> placeholder that the
/// CSP forbids).
/// </summary>
[HtmlTargetElement("div", Attributes = "asp-validation-summary")]
public sealed class ErrorSummaryTagHelper(HtmlEncoder encoder) : TagHelper
{
    /// <summary>After the framework's summary tag helper (order -1000) has written its content.</summary>
    public override int Order => 1;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var errors = ViewContext.ModelState
            .Where(e => e.Value is { Errors.Count: > 0 })
            .SelectMany(e => e.Value!.Errors.Select(error => (e.Key, Message: error.ErrorMessage)))
            .Where(e => e.Message.Length > 0)
            .OrderBy(e => FormOrder(ViewContext.ViewData.ModelMetadata, e.Key), FormOrderComparer)
            .ToList();
        if (errors.Count == 0)
        {
            output.SuppressOutput();
            return;
        }

        output.Attributes.SetAttribute("class", "errors error-summary");
        output.Attributes.SetAttribute("role", "alert");
        output.Attributes.SetAttribute("tabindex", "-1");
        output.Attributes.SetAttribute("aria-labelledby", "error-summary-title");
        output.Attributes.SetAttribute("data-error-summary", string.Empty);
        var html = new System.Text.StringBuilder();
        html.Append("<h2 id=\"error-summary-title\">").Append(encoder.Encode(Text.Get("There is a problem"))).Append("</h2><ul>");
        foreach (var (key, message) in errors)
        {
            var text = encoder.Encode(message);
            // A message about the whole request or a whole form has no field to go to.
            html.Append(key.Length == 0
                ? $"<li>{text}</li>"
                : $"<li><a href=\"#{encoder.Encode(FieldIds.For(key))}\">{text}</a></li>");
        }

        output.Content.SetHtmlContent(html.Append("</ul>").ToString());
        // The framework's summary writes its own list of the messages after the content: said twice, without links.
        output.PreContent.Clear();
        output.PostContent.Clear();
    }

    /// <summary>
    /// Where a message's field is declared in the page's model ("Input.Oblast": the Input property, then Oblast within
    /// it), so that the summary reads in the order of the form, top to bottom, as a person fixes it. The model state
    /// itself keeps no order a person would recognise. A message about the whole form comes first; a key the model
    /// does not declare, last.
    /// </summary>
    private static int[] FormOrder(ModelMetadata? metadata, string key)
    {
        if (key.Length == 0)
        {
            return [];
        }

        var path = new List<int>();
        foreach (var name in key.Split('.'))
        {
            var properties = metadata?.Properties.ToList() ?? [];
            var index = properties.FindIndex(p => string.Equals(p.PropertyName, name, StringComparison.Ordinal));
            if (index < 0)
            {
                path.Add(int.MaxValue);
                break;
            }

            path.Add(index);
            metadata = properties[index];
        }

        return [.. path];
    }

    private static readonly Comparer<int[]> FormOrderComparer = Comparer<int[]>.Create((a, b) =>
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return a[i].CompareTo(b[i]);
            }
        }

        return a.Length.CompareTo(b.Length);
    });
}

/// <summary>
/// Marks a form control whose value was refused: <c>aria-invalid="true"</c> and <c>aria-describedby</c> pointing at its
/// message (which <see cref="FieldMessageIdTagHelper"/> gives an id), so the message is read with the field.
/// </summary>
[HtmlTargetElement("input", Attributes = "asp-for")]
[HtmlTargetElement("select", Attributes = "asp-for")]
[HtmlTargetElement("textarea", Attributes = "asp-for")]
public sealed class InvalidFieldTagHelper : TagHelper
{
    /// <summary>After the framework's input, select and textarea tag helpers.</summary>
    public override int Order => 1;

    [HtmlAttributeName("asp-for")]
    public Microsoft.AspNetCore.Mvc.ViewFeatures.ModelExpression For { get; set; } = null!;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var name = ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name);
        if (!ViewContext.ModelState.TryGetValue(name, out var entry) || entry.Errors.Count == 0)
        {
            return;
        }

        output.Attributes.SetAttribute("aria-invalid", "true");
        var describedBy = output.Attributes.TryGetAttribute("aria-describedby", out var existing) ? existing.Value + " " : string.Empty;
        output.Attributes.SetAttribute("aria-describedby", describedBy + FieldIds.MessageFor(name));
    }
}

/// <summary>Gives a field's validation message the id its control's <c>aria-describedby</c> names.</summary>
[HtmlTargetElement("span", Attributes = "asp-validation-for")]
public sealed class FieldMessageIdTagHelper : TagHelper
{
    public override int Order => 1;

    [HtmlAttributeName("asp-validation-for")]
    public Microsoft.AspNetCore.Mvc.ViewFeatures.ModelExpression For { get; set; } = null!;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.Attributes.ContainsName("id"))
        {
            output.Attributes.SetAttribute("id", FieldIds.MessageFor(ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name)));
        }
    }
}

/// <summary>The element ids the framework gives a field ("Input.Title" → "Input_Title") and its message.</summary>
public static class FieldIds
{
    public static string For(string fieldName) => TagBuilder.CreateSanitizedId(fieldName, "_");

    public static string MessageFor(string fieldName) => For(fieldName) + "-error";
}
