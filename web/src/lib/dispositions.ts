// Call dispositions the agent picks after a call; unknown values from older data still display.
export const DISPOSITIONS: readonly { readonly value: string; readonly label: string }[] = [
  { value: 'resolved', label: 'Resolved' },
  { value: 'follow-up', label: 'Follow-up needed' },
  { value: 'voicemail', label: 'Left voicemail' },
  { value: 'wrong-number', label: 'Wrong number' },
  { value: 'sales-lead', label: 'Sales lead' },
  { value: 'callback', label: 'Call back' },
];

export function dispositionLabel(value: string | null): string | null {
  if (!value) {
    return null;
  }
  return DISPOSITIONS.find((d) => d.value === value)?.label ?? value;
}
