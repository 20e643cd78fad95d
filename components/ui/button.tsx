import type { ButtonHTMLAttributes } from "react";

/**
 * One place for a button's look (like saas-starter's components/ui/button): `buttonClass` for links that look like
 * buttons, `<Button>` for buttons. The classes are defined in components/ui/ui.css.
 */
export type ButtonVariant = "secondary" | "primary" | "danger" | "danger-solid" | "facebook" | "tiktok";
export type ButtonSize = "sm" | "lg";

export function buttonClass(variant: ButtonVariant = "secondary", size: ButtonSize = "sm", extra?: string): string {
  return ["btn", variant === "secondary" ? null : `btn-${variant}`, size === "lg" ? "btn-lg" : null, extra].filter(Boolean).join(" ");
}

export function Button({
  variant,
  size,
  className,
  type = "button",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: ButtonSize }) {
  return <button type={type} className={buttonClass(variant, size, className)} {...rest} />;
}
